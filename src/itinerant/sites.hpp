#pragma once
// Itinerant places as the coverage sees them: the ones open at a date with a timetable, and their stops as timed
// sites over a period (what coverage::part_time, the drive-time layer and the funding-call rules use).
#include <string>
#include <vector>

#include "ami/ami.hpp"
#include "coverage/part_time.hpp"
#include "itinerant/itinerant.hpp"
#include "registry/place.hpp"

namespace maillage::registry {
class PlaceStore;
}

namespace maillage::itinerant {

struct Active {
  registry::Place place;
  Itinerant timetable;
};
// Itinerant places open at `date` that have a timetable, by name.
std::vector<Active> active(registry::PlaceStore& store, const std::string& date);

// The period studied: `weeks` whole weeks from the Monday of `date`'s week, or the ISO week "2026-W49" alone.
struct Period {
  std::string monday;
  int days = 14;
};
Period period_of(const std::string& date, int weeks);
Period period_of_week(const std::string& iso_week);  // Error on another text

// One site per stop ("place_id#seq"), its windows over the period.
std::vector<coverage::TimedSite> timed_sites(const std::vector<Active>& places, const Period& period);

// Their stops as the funding-call rules see them.
std::vector<ami::StopSite> stop_sites(const std::vector<Active>& places);

}  // namespace maillage::itinerant
