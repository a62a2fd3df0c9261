#include "network/invitations.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "territory/communes.hpp"

namespace maillage::network {

using nlohmann::json;

std::vector<Invitee> invitation_list(Contacts& contacts, coverage::Engine& engine, const Event& e, double minutes) {
  if (!e.lon || !e.lat) return {};
  engine.compute({{std::to_string(e.id), e.title, e.insee_code, {*e.lon, *e.lat}}});
  auto& table = engine.communes();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < table.all().size(); ++i) index[table.all()[i].code] = i;
  auto limit = coverage::threshold_ms(minutes);
  std::vector<Invitee> out;
  for (auto& c : contacts.list({})) {
    std::string insee = c.insee_code;
    if (insee.empty() && c.organisation_id)
      if (auto o = contacts.organisation(c.organisation_id)) insee = o->insee_code;
    auto it = index.find(insee);
    if (it == index.end()) continue;
    auto& t = engine.commune_times()[it->second];
    if (!t.within(limit)) continue;
    out.push_back({c, table.all()[it->second].name, t.ms / 60000.0});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return a.minutes != b.minutes ? a.minutes < b.minutes : a.contact.id < b.contact.id;
  });
  return out;
}

EventGaps territories_without_event(coverage::Engine& engine, const std::vector<Event>& events, double minutes,
                                    const std::string& from, const std::string& to) {
  EventGaps g;
  g.from = from, g.to = to;
  std::vector<coverage::Place> venues;
  for (auto& e : events)
    if (e.status == "scheduled" && e.lon && e.lat)
      venues.push_back({std::to_string(e.id), e.title, e.insee_code, {*e.lon, *e.lat}});
  g.events = static_cast<int>(venues.size());
  engine.compute(venues);
  auto limit = coverage::threshold_ms(minutes);
  auto& all = engine.communes().all();
  for (size_t i = 0; i < all.size(); ++i) {
    auto& c = all[i];
    g.population += c.population;
    auto& t = engine.commune_times()[i];
    if (t.within(limit)) continue;
    g.uncovered_population += c.population;
    g.uncovered_by_dep[c.dep] += c.population;
    g.communes.push_back(
        {c.code, c.name, c.dep, static_cast<double>(c.population), t.ms == roads::kInfinity ? -1.0 : t.ms / 60000.0});
  }
  std::sort(g.communes.begin(), g.communes.end(), [](auto& a, auto& b) {
    return a.population != b.population ? a.population > b.population : a.insee < b.insee;
  });
  return g;
}

json to_json(const Invitee& i) {
  auto j = to_json(i.contact);
  j["commune"] = i.commune;
  j["minutes"] = std::round(i.minutes * 10) / 10;
  return j;
}

json to_json(const EventGaps& g, size_t max_communes) {
  json communes = json::array();
  for (size_t i = 0; i < g.communes.size() && i < max_communes; ++i) {
    auto& c = g.communes[i];
    communes.push_back({{"insee_code", c.insee},
                        {"name", c.name},
                        {"department", c.dep},
                        {"population", c.population},
                        {"minutes", c.minutes < 0 ? json() : json(std::round(c.minutes * 10) / 10)}});
  }
  return {{"from", g.from},
          {"to", g.to},
          {"events", g.events},
          {"population", g.population},
          {"uncovered_population", g.uncovered_population},
          {"uncovered_share", g.population > 0 ? g.uncovered_population / g.population : 0.0},
          {"uncovered_communes", g.communes.size()},
          {"uncovered_by_department", g.uncovered_by_dep},
          {"communes", communes}};
}

}  // namespace maillage::network
