#include "booking/search.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "routing/engine.hpp"
#include "territory/communes.hpp"

namespace maillage::booking {

nlohmann::json FreeDesk::to_json() const {
  return {{"place_id", place_id},
          {"place", place_name},
          {"commune", commune},
          {"resource_id", resource_id},
          {"resource", resource_name},
          {"free", free},
          {"minutes", std::round(minutes * 100) / 100},
          {"starts", starts},
          {"ends", ends}};
}

std::vector<FreeDesk> find_free_desks(Bookings& bookings, const std::vector<registry::Place>& places,
                                      const roads::RoadGraph& g, const routing::Snapper& snapper,
                                      routing::Search& search, const DeskQuery& q) {
  if (q.desk_kind != "permanent" && q.desk_kind != "dropin" && q.desk_kind != "training")
    throw InputError("desk_kind", "desk_kind is permanent, dropin or training");
  if (!(q.max_minutes > 0 && q.max_minutes <= 180)) throw InputError("minutes", "minutes is between 0 and 180");
  std::map<std::string, std::vector<Resource>> by_place;
  for (auto& r : bookings.resources())
    if (r.kind == "desk" && r.desk_kind == q.desk_kind) by_place[r.place_id].push_back(r);
  std::vector<FreeDesk> out;
  if (by_place.empty()) return out;
  auto from = snapper.snap(q.at);
  if (!from.ok)
    throw Conflict(
        fmt::format("the point ({:.5f}, {:.5f}) is too far from the road network: {}", q.at.lon, q.at.lat, from.why),
        Errc::not_routable);
  const auto limit = static_cast<roads::Millis>(std::llround(q.max_minutes * 60000));
  search.run(routing::snap_sources(g, from, routing::Direction::Forward, 0), routing::Direction::Forward, limit);
  for (auto& p : places) {
    auto it = by_place.find(p.id);
    if (it == by_place.end() || !p.lon || !p.lat || p.status != registry::Status::Open) continue;
    auto to = snapper.snap({*p.lon, *p.lat});
    if (!to.ok) continue;
    roads::Millis t = routing::arrival(g, search, from, to);
    if (t > limit) continue;
    for (auto& r : it->second) {
      Request rq;
      rq.resource_id = r.id, rq.unit = q.unit, rq.date = q.date, rq.start = q.start, rq.half = q.half,
      rq.hours = q.hours;
      std::pair<std::string, std::string> iv;
      try {
        iv = bookings.interval(rq);
      } catch (const Conflict&) {
        continue;  // closed then
      }
      int free = bookings.free_units(r.id, iv.first, iv.second);
      if (free <= 0) continue;
      auto* c = territory::CommuneTable::bundled().find(p.insee_code);
      out.push_back({p.id, p.name, c ? c->name : p.insee_code, r.id, r.name, free, t / 60000.0, iv.first, iv.second});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return a.minutes != b.minutes ? a.minutes < b.minutes : a.resource_id < b.resource_id;
  });
  return out;
}

}  // namespace maillage::booking
