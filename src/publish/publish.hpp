#pragma once
// The Région's printed documents (issue #16): the *bottin* (the printed directory: a chapter per department with
// its small map, one entry per open place, an index of the communes) and the *panorama des tiers-lieux en
// chiffres et en graphiques* (the indicators with their charts, the coverage map, the per-department table, the
// history). Both are HTML pages made for print (A4, French typography, SVG maps and charts drawn from the data)
// that a maintained renderer prints to PDF: the headless Chromium the browser tests already use.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/booking.hpp"
#include "coverage/coverage.hpp"
#include "coverage/indicators.hpp"
#include "moderation/quality.hpp"
#include "registry/place.hpp"
#include "registry/store.hpp"

namespace maillage::publish {

struct Entry {
  registry::Place place;
  std::string commune, dep;
  std::vector<std::vector<booking::Interval>> hours;  // [0] Monday; empty: none given
};

struct BottinData {
  std::string date;  // the state of the directory it prints (places open that day)
  int64_t registry_revision = 0;
  std::vector<Entry> entries;  // the open places (any order: the bottin sorts them)
  nlohmann::json departments;  // the departments' outlines (GeoJSON, properties code, nom)
};
std::string bottin_html(const BottinData& d);

struct PanoramaData {
  std::string date;
  int64_t registry_revision = 0;
  std::vector<registry::Place> open;  // the places open at the date
  coverage::Indicators indicators;    // with their history
  coverage::Report coverage;          // grid population, zones blanches
  nlohmann::json departments, zones;  // outlines (GeoJSON) and the zones blanches (coverage::zones_geojson)
  moderation::QualityReport quality;  // the published counts per department
  std::string population_source, profile_note;
};
std::string panorama_html(const PanoramaData& d);

// What they print, gathered from the registry (places open at `date`, the booking hours). For the panorama,
// `engine` is computed for `places` (the places open at `date`); the indicators' history then recomputes it for
// other dates (callers that keep it must compute it again).
BottinData gather_bottin(registry::PlaceStore& store, const std::string& date);
PanoramaData gather_panorama(registry::PlaceStore& store, coverage::Engine& engine,
                             const std::vector<coverage::Place>& places, const std::string& date, double threshold,
                             double error_median);

// The Chromium to print with: $MAILLAGE_CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH;
// Error naming what was looked for when none is found.
std::string find_chromium();
// Prints an HTML document to a PDF file (A4 as the page's CSS says) with headless Chromium, in a fresh profile
// folder, without network access; Error with Chromium's words when it fails or takes longer than `timeout_s`.
void print_pdf(const std::string& html, const std::string& pdf_path, int timeout_s = 180);

}  // namespace maillage::publish
