// OpenStreetMap input (PBF and the other formats libosmium detects) through the car profile into a graph.
#include "core/paths.hpp"
#include "fuzz_common.hpp"
#include "roads/importers.hpp"

using namespace maillage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto profile = roads::Profile::load(paths::data_file("profiles/car.json"));
  auto path = fuzz::write_scratch("input.osm.pbf", fuzz::as_text(data, size));
  try {
    auto g = roads::build_from_osm(path, profile, "{}");
    for (auto& a : g.out)
      if (a.node >= g.node_count()) __builtin_trap();  // every arc leads to a node of the graph
  } catch (const Error&) {                             // build_from_osm turns libosmium's refusals into maillage::Error
  }
  return 0;
}
