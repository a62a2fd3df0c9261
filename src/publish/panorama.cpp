// The panorama: the key figures, the places by department and type, the coverage map with the zones blanches,
// the population by drive time, the per-department table against the published counts, the history, and how
// the figures are made.
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

std::vector<std::vector<geo::XY>> rings_of(const json& fc, const std::string& code, double tolerance_m) {
  std::vector<std::vector<geo::XY>> out;
  for (auto& f : fc.value("features", json::array())) {
    if (!code.empty() && f["properties"].value("code", "") != code) continue;
    if (!f.contains("geometry") || f["geometry"].is_null()) continue;
    auto r = gis::lambert93_rings(f["geometry"], tolerance_m);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

std::string figure(const std::string& value, const std::string& what) {
  return fmt::format(R"(<div class="figure"><b>{}</b><span>{}</span></div>)", value, fr(what));
}

std::string chart(const std::string& title, const std::string& svg, const std::string& note = {}) {
  return fmt::format(R"(<div class="chart-block"><h3>{}</h3>{}{}</div>)", fr(title), svg,
                     note.empty() ? "" : fmt::format(R"(<p class="note">{}</p>)", fr(note)));
}

// "2019" for the 1 January of a year, "nov. 2026" for another day.
std::string year_of(const std::string& date) {
  static const char* months[] = {"janv.", "févr.", "mars",  "avr.", "mai",  "juin",
                                 "juil.", "août",  "sept.", "oct.", "nov.", "déc."};
  if (date.size() < 10 || date.substr(4) == "-01-01") return date.substr(0, 4);
  int m = std::atoi(date.substr(5, 2).c_str());
  return m >= 1 && m <= 12 ? fmt::format("{} {}", months[m - 1], date.substr(0, 4)) : date.substr(0, 4);
}

}  // namespace

// Long: the document's HTML in reading order, section after section, as it prints.
std::string panorama_html(const PanoramaData& d) {
  auto& ind = d.indicators;
  auto& cov = d.coverage;
  std::string body;
  auto region = rings_of(d.departments, "", 800);

  // Cover.
  SvgMap cover(region, 520, 540);
  cover.shapes(region, "dep");
  for (auto& p : d.open)
    if (p.lon && p.lat) cover.dot({*p.lon, *p.lat}, 2.8, "place");
  body += fmt::format(
      R"(<section class="cover"><div><p class="kicker">Réseau des tiers-lieux de {}</p><h1>Panorama des tiers-lieux</h1><p class="subtitle">en chiffres et en graphiques · {}</p></div>{}<p class="edition">{}{}tiers-lieux ouverts au {} · registre Maillage, révision {}</p></section>)",
      fr(territory::config().name), fr_date(d.date), cover.finish("Les tiers-lieux ouverts"), fr_int(ind.open_places),
      "\u00A0", fr_date(d.date), d.registry_revision);

  // Key figures.
  double share = cov.share();
  body +=
      R"(<section class="chapter"><header><p class="kicker">Chiffres clés</p><h2>Les tiers-lieux de la région</h2></header><div class="figures">)";
  body += figure(fr_int(ind.open_places), "tiers-lieux ouverts");
  body += figure(fr_int(d.quality.region.projects), "projets recensés");
  body += figure(ind.inhabitants_per_place > 0 ? fr_int(ind.inhabitants_per_place) : "–",
                 "habitants par tiers-lieu ouvert");
  body +=
      figure(fr_pct(share), fmt::format("des habitants à moins de {} minutes en voiture", fr_int(cov.threshold_min)));
  body += figure(fr_pct(ind.rural_share), "des lieux dans une commune rurale");
  double zone_population = 0;
  for (auto& z : cov.zones) zone_population += z.population;
  body += figure(fr_int(cov.zones.size()), fmt::format("zones blanches ({} habitants)", fr_int(zone_population)));
  body += "</div>";
  if (cov.margin_fraction > 0)
    body += fmt::format(
        R"(<p class="note">Avec des temps de trajet {} plus longs ou plus courts (l'écart médian du profil routier mesuré contre des temps réels), la part des habitants à moins de {} minutes irait de {} à {}.</p>)",
        fr_pct(cov.margin_fraction), fr_int(cov.threshold_min),
        fr_pct(cov.population > 0 ? cov.covered_low / cov.population : 0),
        fr_pct(cov.population > 0 ? cov.covered_high / cov.population : 0));
  std::vector<std::pair<std::string, double>> by_dep;
  std::vector<std::string> by_dep_text;
  for (auto& dep : ind.departments) {
    by_dep.push_back({dep.name, static_cast<double>(dep.open_places)});
    by_dep_text.push_back(fr_int(dep.open_places));
  }
  body += chart("Tiers-lieux ouverts par département",
                bar_chart(by_dep, by_dep_text, "Tiers-lieux ouverts par département"));
  std::vector<std::pair<std::string, double>> by_type;
  std::vector<std::string> by_type_text;
  for (auto& item : registry::place_types()) {
    auto it = ind.by_type.find(std::string(item.key));
    if (it == ind.by_type.end() || it->second == 0) continue;
    by_type.push_back({std::string(item.label), static_cast<double>(it->second)});
    by_type_text.push_back(fr_int(it->second));
  }
  body += chart("Tiers-lieux ouverts par type", bar_chart(by_type, by_type_text, "Tiers-lieux ouverts par type"),
                "Un lieu peut avoir plusieurs types.");
  body += "</section>";

  // Coverage.
  SvgMap map(region, 520, 470);
  map.shapes(region, "dep");
  map.shapes(rings_of(d.zones, "", 300), "zone");
  for (auto& p : d.open)
    if (p.lon && p.lat) map.dot({*p.lon, *p.lat}, 2.0, "place");
  body += fmt::format(
      R"(<section class="chapter"><header><p class="kicker">Couverture</p><h2>À moins de {} minutes d’un tiers-lieu</h2></header><figure>{}</figure><p class="legend"><i style="background:#c2410c"></i>tiers-lieu ouvert <i style="background:#f59e0b;border-radius:0"></i>zone blanche : habitants à plus de {} minutes en voiture du lieu le plus proche</p>)",
      fr_int(cov.threshold_min), map.finish("Carte de la couverture"), fr_int(cov.threshold_min));
  std::vector<std::pair<std::string, double>> bands;
  std::vector<std::string> bands_text;
  for (auto& [band, pop] : cov.bands) {
    std::string label;
    for (char c : band) label += c == '-' ? std::string("–") : std::string(1, c);
    bands.push_back({band == "unreachable" ? std::string("sans accès routier") : label + " min", pop});
    bands_text.push_back(fr_pct(cov.population > 0 ? pop / cov.population : 0));
  }
  body += chart("Habitants selon le temps de trajet jusqu’au tiers-lieu le plus proche",
                bar_chart(bands, bands_text, "Habitants par temps de trajet"));
  body += "</section>";

  // Per department.
  body +=
      R"(<section class="chapter"><header><p class="kicker">Départements</p><h2>Département par département</h2></header><table><thead><tr><th>Département</th><th class="n">Habitants</th><th class="n">Lieux ouverts</th><th class="n">Habitants par lieu</th><th class="n">À moins de 20 min</th><th class="n">Recensement publié</th><th class="n">Lieux listés / publiés</th></tr></thead><tbody>)";
  std::map<std::string, const coverage::DepartmentFigures*> cov_dep;
  for (auto& x : cov.departments) cov_dep[x.dep] = &x;
  std::map<std::string, const moderation::QualityRow*> q_dep;
  for (auto& x : d.quality.departments) q_dep[x.department] = &x;
  for (auto& dep : ind.departments) {
    auto* c = cov_dep.count(dep.dep) ? cov_dep[dep.dep] : nullptr;
    auto* q = q_dep.count(dep.dep) ? q_dep[dep.dep] : nullptr;
    bool alert = q && q->far_below;
    std::string published =
        q && q->published ? fmt::format("{} ({})", fr_int(q->published->value), q->published->year) : "–";
    body += fmt::format(
        R"(<tr{}><td>{} ({})</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>)",
        alert ? R"( class="alert")" : "", fr(dep.name), esc(dep.dep), fr_int(dep.population), fr_int(dep.open_places),
        dep.inhabitants_per_place > 0 ? fr_int(dep.inhabitants_per_place) : "–",
        c && c->population > 0 ? fr_pct(c->covered / c->population) : "–", published,
        q && q->coverage_of_published >= 0 ? fr_pct(q->coverage_of_published, 0) : "–");
  }
  body += fmt::format(
      R"(<tr class="total"><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr></tbody></table>)",
      fr(territory::config().name), fr_int(ind.population), fr_int(ind.open_places),
      ind.inhabitants_per_place > 0 ? fr_int(ind.inhabitants_per_place) : "–", fr_pct(share),
      d.quality.region.published
          ? fmt::format("{} ({})", fr_int(d.quality.region.published->value), d.quality.region.published->year)
          : "–",
      d.quality.region.coverage_of_published >= 0 ? fr_pct(d.quality.region.coverage_of_published, 0) : "–");
  body +=
      R"(<p class="note">En rouge : départements où l’annuaire compte moins de la moitié des lieux du dernier recensement publié (source citée dans les données de Maillage). L’écart dit d’abord ce qui reste à recenser.</p></section>)";

  // History.
  std::vector<std::pair<std::string, double>> places_by_year, share_by_year;
  std::vector<std::string> places_text, share_text;
  for (auto& y : ind.history) {
    places_by_year.push_back({year_of(y.date), static_cast<double>(y.open_places)});
    places_text.push_back(fr_int(y.open_places));
    if (y.coverage_share >= 0) {
      share_by_year.push_back({year_of(y.date), 100 * y.coverage_share});
      share_text.push_back(fr_pct(y.coverage_share, 0));
    }
  }
  body += R"(<section class="chapter"><header><p class="kicker">Historique</p><h2>L’évolution du réseau</h2></header>)";
  body += chart("Tiers-lieux ouverts au 1er janvier de chaque année",
                line_chart(places_by_year, places_text, "Tiers-lieux ouverts par année"),
                fmt::format("{} lieux ouverts sans date d’ouverture connue sont comptés à toutes les dates.",
                            fr_int(ind.open_without_opening_date)));
  if (!share_by_year.empty())
    body += chart(fmt::format("Part des habitants à moins de {} minutes (%)", fr_int(cov.threshold_min)),
                  line_chart(share_by_year, share_text, "Part des habitants couverts par année"));
  body += "</section>";

  // Method and sources.
  body += fmt::format(
      R"(<section class="colophon"><h2>Méthode et sources</h2><p><b>Lieux</b> : les tiers-lieux ouverts au {} dans l’annuaire du réseau (registre Maillage, révision {}), compilé de sources publiques citées lieu par lieu et tenu à jour par les contributions modérées et la confirmation annuelle des fiches.</p><p><b>Population</b> : {}.</p><p><b>Temps de trajet</b> : en voiture, sur le réseau routier, du carreau d’habitation au lieu le plus proche. {}</p><p><b>Zones blanches</b> : carreaux d’habitation contigus à plus de {} minutes du lieu le plus proche, découpés par département et par carrés de 30 km.</p><p><b>Recensements publiés</b> : le plus récent chiffre daté publié pour chaque département (source citée dans <i>published_counts.csv</i>).</p></section>)",
      fr_date(d.date), d.registry_revision, fr(d.population_source), fr(d.profile_note), fr_int(cov.threshold_min));
  const auto& name = territory::config().name;
  return document("Panorama des tiers-lieux de " + name, "Panorama des tiers-lieux · " + name, body);
}

}  // namespace maillage::publish
