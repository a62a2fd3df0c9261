// The bottin: a cover with the region's map, the contents, a chapter per department (its map, its entries in two
// columns), the index of the communes and the colophon. Entries are numbered through the book: the index and
// the maps refer to the numbers (a printed page number cannot be known before printing).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/text.hpp"
#include "gis/shapes.hpp"
#include "publish/layout.hpp"
#include "publish/publish.hpp"
#include "publish/style.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"

namespace maillage::publish {

using nlohmann::json;

namespace {

std::vector<std::vector<geo::XY>> outline(const json& departments, const std::string& code, double tolerance_m) {
  std::vector<std::vector<geo::XY>> out;
  for (auto& f : departments.value("features", json::array()))
    if (code.empty() || f["properties"].value("code", "") == code) {
      auto rings = gis::lambert93_rings(f["geometry"], tolerance_m);
      out.insert(out.end(), rings.begin(), rings.end());
    }
  return out;
}

std::string bare_url(std::string url) {
  for (std::string_view p : {"https://", "http://"})
    if (url.rfind(p, 0) == 0) url = url.substr(p.size());
  if (url.rfind("www.", 0) == 0) url = url.substr(4);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string entry_html(const Entry& e, int number) {
  auto& p = e.place;
  std::string h = fmt::format(R"(<article class="entry" id="n{}"><span class="num">{}</span><h3>{}</h3>)", number,
                              number, fr(p.name));
  auto types = registry::mask_to_list(p.types, registry::place_types(), true);
  if (!types.empty()) h += fmt::format(R"(<p class="types">{}</p>)", fr(text::join(types, " · ")));
  std::string where = p.address.empty() ? "" : p.address + ", ";
  where += (p.postcode.empty() ? "" : p.postcode + " ") + e.commune;
  h += fmt::format(R"(<p class="addr">{}</p>)", fr(where));
  std::vector<std::string> facts;
  if (!p.opening_date.empty()) facts.push_back("Ouvert depuis " + fr_date(p.opening_date));
  std::vector<std::string> seats;
  if (p.seats_permanent)
    seats.push_back(fmt::format("{} poste{} résident{}", *p.seats_permanent, *p.seats_permanent > 1 ? "s" : "",
                                *p.seats_permanent > 1 ? "s" : ""));
  if (p.seats_dropin)
    seats.push_back(fmt::format("{} poste{} nomade{}", *p.seats_dropin, *p.seats_dropin > 1 ? "s" : "",
                                *p.seats_dropin > 1 ? "s" : ""));
  if (p.seats_training)
    seats.push_back(fmt::format("{} place{} de formation", *p.seats_training, *p.seats_training > 1 ? "s" : ""));
  if (!seats.empty()) facts.push_back(text::join(seats, " · "));
  for (auto& f : facts) h += fmt::format(R"(<p class="fact">{}</p>)", fr(f));
  auto services = registry::mask_to_list(p.services, registry::service_items(), true);
  if (!services.empty())
    h += fmt::format(R"(<p class="services"><b>Services</b>{}: {}</p>)", "\u00A0", fr(text::join(services, ", ")));
  auto hours = fr_hours(e.hours);
  if (!hours.empty()) h += fmt::format(R"(<p class="hours"><b>Horaires</b>{}: {}</p>)", "\u00A0", esc(hours));
  std::vector<std::string> links;
  if (!p.website.empty()) links.push_back(bare_url(p.website));
  for (auto* s : {&p.facebook, &p.instagram, &p.linkedin, &p.twitter})
    if (!s->empty() && links.size() < 2) links.push_back(bare_url(*s));
  for (auto& l : links) h += fmt::format(R"(<p class="web">{}</p>)", esc(l));
  return h + "</article>";
}

// A map of places: dots, with the entry numbers where they do not crowd each other.
std::string places_map(const std::vector<std::vector<geo::XY>>& shapes,
                       const std::vector<std::vector<geo::XY>>& context,
                       const std::vector<std::pair<const Entry*, int>>& entries, double w, double h, bool labels,
                       const std::string& title) {
  SvgMap m(shapes, w, h);
  if (!context.empty()) m.shapes(context, "context");
  m.shapes(shapes, "dep");
  std::vector<geo::LonLat> labelled;
  for (auto& [e, n] : entries) {
    if (!e->place.lon || !e->place.lat) continue;
    geo::LonLat at{*e->place.lon, *e->place.lat};
    bool crowded = std::any_of(labelled.begin(), labelled.end(),
                               [&](const geo::LonLat& o) { return geo::haversine_m(o, at) < 2500; });
    bool show = labels && !crowded;
    if (show) labelled.push_back(at);
    m.dot(at, labels ? 2.4 : 2.8, "place", show ? std::to_string(n) : "");
  }
  return m.finish(title);
}

}  // namespace

std::string bottin_html(const BottinData& d) {
  // Chapters by department, entries by commune then name (accents and case folded).
  std::map<std::string, std::vector<const Entry*>> by_dep;
  for (auto& e : d.entries) by_dep[e.dep].push_back(&e);
  for (auto& [dep, v] : by_dep)
    std::sort(v.begin(), v.end(), [](const Entry* a, const Entry* b) {
      auto ka = text::fold(a->commune) + "\x1f" + text::fold(a->place.name);
      auto kb = text::fold(b->commune) + "\x1f" + text::fold(b->place.name);
      return ka != kb ? ka < kb : a->place.id < b->place.id;
    });
  std::vector<std::pair<const Entry*, int>> numbered;
  std::map<std::string, std::pair<int, int>> ranges;
  for (auto& [dep, v] : by_dep) {
    ranges[dep] = {static_cast<int>(numbered.size()) + 1, static_cast<int>(numbered.size() + v.size())};
    for (auto* e : v) numbered.push_back({e, static_cast<int>(numbered.size()) + 1});
  }

  std::string body;
  // Cover.
  auto region = outline(d.departments, "", 800);
  body += fmt::format(
      R"(<section class="cover"><div><p class="kicker">Réseau des tiers-lieux de {}</p><h1>Bottin des tiers-lieux</h1><p class="subtitle">{}{}tiers-lieux ouverts, département par département</p></div>{}<p class="edition">Édition du {} · {} départements</p></section>)",
      fr(territory::config().name), fr_int(numbered.size()), "\u00A0",
      places_map(region, {}, numbered, 520, 560, false, "Carte des tiers-lieux ouverts"), fr_date(d.date),
      by_dep.size());
  // Contents.
  body +=
      R"(<section class="contents"><h2>Sommaire</h2><table><thead><tr><th>Département</th><th>Tiers-lieux</th><th>Numéros</th></tr></thead><tbody>)";
  for (auto& [dep, v] : by_dep)
    body += fmt::format("<tr><td>{} ({})</td><td>{}</td><td>{}–{}</td></tr>",
                        fr(std::string(territory::department_name(dep))), esc(dep), v.size(), ranges[dep].first,
                        ranges[dep].second);
  body += "<tr><td>Index des communes</td><td></td><td></td></tr></tbody></table>";
  body +=
      R"(<p class="note">Chaque lieu porte un numéro, repris sur la carte de son département et dans l’index des communes. Les lieux sont classés par commune, puis par nom.</p></section>)";
  // Chapters.
  for (auto& [dep, v] : by_dep) {
    std::vector<std::pair<const Entry*, int>> here;
    for (auto& x : numbered)
      if (x.first->dep == dep) here.push_back(x);
    auto shape = outline(d.departments, dep, 150);
    auto name = std::string(territory::department_name(dep));
    body += fmt::format(
        R"(<section class="chapter" id="dep{}"><header><p class="kicker">{}</p><h2>{}</h2><p class="count">{} tiers-lieu{} ouvert{} · n<sup>os</sup>{}{}–{}</p></header>)",
        esc(dep), esc(dep), fr(name), v.size(), v.size() > 1 ? "x" : "", v.size() > 1 ? "s" : "", "\u00A0",
        ranges[dep].first, ranges[dep].second);
    body += fmt::format(R"(<figure class="depmap">{}</figure>)",
                        places_map(shape, region, here, 480, 300, true, "Carte des tiers-lieux : " + name));
    body += R"(<div class="entries">)";
    for (auto& [e, n] : here) body += entry_html(*e, n);
    body += "</div></section>";
  }
  // Index of the communes.
  std::map<std::string, std::pair<std::string, std::vector<int>>> index;
  for (auto& [e, n] : numbered) {
    auto& slot = index[text::fold(e->commune)];
    slot.first = e->commune;
    slot.second.push_back(n);
  }
  body += R"(<section class="chapter index"><h2>Index des communes</h2><ul>)";
  for (auto& [k, v] : index) {
    std::vector<std::string> nums;
    for (int n : v.second) nums.push_back(std::to_string(n));
    body += fmt::format(R"(<li>{} <span>{}</span></li>)", fr(v.first), text::join(nums, ", "));
  }
  body += "</ul></section>";
  body += fmt::format(
      R"(<section class="colophon"><h2>À propos de ce bottin</h2><p>Les lieux ouverts au {} dans l’annuaire du réseau (registre Maillage, révision {}). Un lieu manque, une information a changé{}? Chacun peut proposer un ajout ou une correction depuis la carte en ligne{}; l’équipe du réseau la relit avant publication, et chaque lieu confirme sa fiche une fois par an.</p><p>Sources des données et licences{}: voir le fichier ATTRIBUTION de Maillage (annuaire compilé de sources publiques citées lieu par lieu, contours des départements IGN 2018). Carte en projection Lambert-93.</p></section>)",
      fr_date(d.date), d.registry_revision, "\u202F", "\u202F", "\u00A0");
  const auto& name = territory::config().name;
  return document("Bottin des tiers-lieux de " + name, "Bottin des tiers-lieux · " + name, body);
}

}  // namespace maillage::publish
