#pragma once
// The regional indicators: open places by type and department, inhabitants per open place (naming the
// population source), share of places in rural areas (communes classed by the degree of urbanisation derived
// from the grid), and the same figures by year with the coverage share, through the same code as any date.
#include <map>
#include <string>
#include <vector>

#include "coverage/coverage.hpp"
#include "registry/place.hpp"

namespace maillage::coverage {

struct DepartmentIndicators {
  std::string dep, name;
  int open_places = 0;
  double population = 0;
  double inhabitants_per_place = -1;  // -1: no open place
};

struct YearIndicators {
  std::string date;
  int open_places = 0;
  double inhabitants_per_place = -1;
  double coverage_share = -1;  // population within the threshold (grid), -1 when not computed
};

struct Indicators {
  std::string date;
  std::string population_source;  // for inhabitants per place
  double population = 0;
  int open_places = 0;
  int itinerant_places = 0;           // open itinerant places (type itinerant): not counted in open_places
  int open_without_opening_date = 0;  // counted as open at every date (documented)
  std::map<std::string, int> by_type;
  std::vector<DepartmentIndicators> departments;
  double inhabitants_per_place = -1;
  std::map<std::string, int> by_urbanisation;  // city, town_suburb, rural -> open places
  double rural_share = 0;
  double threshold_min = 20;
  std::vector<YearIndicators> history;  // 1 January of each year since the first opening, then the date
};

// `engine` (grid population) is used for the coverage share by year; null skips it.
Indicators compute_indicators(const std::vector<registry::Place>& places, const std::string& date, Engine* engine,
                              double threshold_min, bool with_history);

}  // namespace maillage::coverage
