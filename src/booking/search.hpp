#pragma once
// Network search: free desks of a kind at a time within N minutes' drive of a point, nearest first. One bounded
// search from the point on the road graph gives the drive time to every place offering such desks; then each
// place's opening hours and free units are checked for the interval.
#include <string>
#include <vector>

#include "booking/booking.hpp"
#include "registry/place.hpp"
#include "routing/search.hpp"
#include "routing/snap.hpp"

namespace maillage::booking {

struct FreeDesk {
  std::string place_id, place_name, commune;
  int64_t resource_id = 0;
  std::string resource_name;
  int free = 0;
  double minutes = 0;
  std::string starts, ends;
  nlohmann::json to_json() const;
};

struct DeskQuery {
  geo::LonLat at;
  std::string desk_kind = "dropin";  // permanent, dropin, training
  Unit unit = Unit::Day;             // as in Request (no month)
  std::string date, start, half;
  int hours = 1;
  double max_minutes = 20;
};

// `places`: the registry's places (positions and names); `search` is reused between calls.
std::vector<FreeDesk> find_free_desks(Bookings& bookings, const std::vector<registry::Place>& places,
                                      const roads::RoadGraph& g, const routing::Snapper& snapper,
                                      routing::Search& search, const DeskQuery& q);

}  // namespace maillage::booking
