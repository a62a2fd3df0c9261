// What the documents print, gathered from the registry, the booking hours, the coverage engine and the quality
// report: one function per document, shared by the command line and the API.
#include <fmt/format.h>

#include "core/io.hpp"
#include "core/paths.hpp"
#include "coverage/serialize.hpp"
#include "moderation/moderation.hpp"
#include "publish/publish.hpp"
#include "registry/validate.hpp"
#include "territory/config.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

namespace maillage::publish {

namespace {

nlohmann::json departments_geojson() {
  static const auto doc = nlohmann::json::parse(
      io::read_file(territory::data_path(territory::config().department_outlines, "department_outlines")));
  return doc;
}

moderation::QualityReport quality(registry::PlaceStore& store, const std::string& date) {
  auto confirmations = moderation::last_confirmations(store.db());
  return moderation::quality_report(store.list({}), confirmations, territory::CommuneTable::bundled(),
                                    moderation::bundled_published_counts(), date);
}

}  // namespace

BottinData gather_bottin(registry::PlaceStore& store, const std::string& date) {
  BottinData d;
  d.date = date;
  d.registry_revision = store.revision();
  d.departments = departments_geojson();
  registry::PlaceFilter f;
  f.open_on = date;
  booking::Bookings bookings(store.db());
  auto& communes = territory::CommuneTable::bundled();
  for (auto& p : store.list(f)) {
    Entry e;
    e.place = p;
    if (auto* c = communes.find(p.insee_code))
      e.commune = c->name, e.dep = c->dep;
    else
      e.dep = p.insee_code.substr(0, 2);
    auto hours = bookings.hours(p.id);
    bool any = false;
    for (auto& day : hours) any = any || !day.empty();
    if (any) e.hours = hours;
    d.entries.push_back(std::move(e));
  }
  return d;
}

PanoramaData gather_panorama(registry::PlaceStore& store, coverage::Engine& engine,
                             const std::vector<coverage::Place>& places, const std::string& date, double threshold,
                             double error_median) {
  PanoramaData d;
  d.date = date;
  d.registry_revision = store.revision();
  d.departments = departments_geojson();
  registry::PlaceFilter f;
  f.open_on = date;
  d.open = store.list(f);
  d.coverage = coverage::build_report(engine, places, date, threshold, error_median);
  d.zones = coverage::zones_geojson(engine, d.coverage);
  d.population_source = d.coverage.population_description;
  d.profile_note =
      error_median > 0
          ? fmt::format(
                "Le profil routier est calé sur des temps réels ; son écart médian en validation croisée est "
                "de {:.1f} %, d'où la fourchette donnée avec la part couverte.",
                100 * error_median)
          : std::string("Le profil routier n'a pas d'écart mesuré : la part couverte est donnée sans fourchette.");
  d.quality = quality(store, date);
  // Last: the history recomputes the engine for the other dates.
  d.indicators = coverage::compute_indicators(store.list({}), date, &engine, threshold, true);
  return d;
}

}  // namespace maillage::publish
