// The road skeleton CSV (Travel Mapping waypoints): reading, the graph build, the base-map lines.
#include "core/paths.hpp"
#include "fuzz_common.hpp"
#include "roads/importers.hpp"

using namespace maillage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto profile = roads::Profile::load(paths::data_file("profiles/car.json"));
  auto path = fuzz::write_scratch("skeleton.csv", fuzz::as_text(data, size));
  try {
    auto routes = roads::read_skeleton({path});
    (void)roads::skeleton_geojson(routes, profile, true).dump();
    auto g = roads::build_from_skeleton({path}, profile, "{}");
    for (auto& a : g.out)
      if (a.node >= g.node_count()) __builtin_trap();  // every arc leads to a node of the graph
  } catch (const Error&) {}
  return 0;
}
