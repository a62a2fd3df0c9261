// A France-size OpenStreetMap extract, generated with a fixed seed and written as PBF by libosmium, to measure
// `maillage graph build --osm` (time and peak memory) where no real France extract can be fetched (issue #19).
// The road network is bench_france's: a jittered grid over an ellipse of 550,000 km² whose intersections
// (default 25 M, the graph's nodes after the build) are joined by links with two shape points each, 12 % of local
// links missing and 10 % of local ways one-way, fast corridors every ~10 km (trunk/primary with maxspeed); the
// links of a grid row or column are chained into ways of up to 8 links, as OSM ways run along a road. Each
// intersection also brings `extra` untagged nodes (buildings, land use, all that a real extract holds and the
// importer reads and skips; their number changes the time of the node pass, not the memory).
//   gen_osm_france [intersections] [extra nodes per intersection] [out.osm.pbf]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <osmium/builder/attr.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/memory/buffer.hpp>

namespace {

constexpr double kLon0 = 2.2, kLat0 = 46.6, kA = 470, kB = 372;  // as bench_france
const double kKmLon = 111.2 * std::cos(kLat0 * M_PI / 180), kKmLat = 111.2;

// A deterministic hash in [0, 1) of (a, b): the same draw in the node pass and the way pass.
double draw(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
  x ^= x >> 33, x *= 0xff51afd7ed558ccdull, x ^= x >> 33, x *= 0xc4ceb9fe1a85ec53ull, x ^= x >> 33;
  return static_cast<double>(x >> 11) / static_cast<double>(1ull << 53);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace osmium::builder::attr;
  const double target = argc > 1 ? std::atof(argv[1]) : 25e6;
  const int extra = argc > 2 ? std::atoi(argv[2]) : 4;
  const std::string out = argc > 3 ? argv[3] : "build/bench-data/france.osm.pbf";
  const double step = std::sqrt(M_PI * kA * kB / target);
  const long nx = static_cast<long>(2 * kA / step) + 1, ny = static_cast<long>(2 * kB / step) + 1;
  const int corridor = std::max(2, static_cast<int>(10.0 / step));
  auto inside = [&](long i, long j) {
    if (i < 0 || j < 0 || i >= ny || j >= nx) return false;
    double x = -kA + j * step, y = -kB + i * step;
    return (x * x) / (kA * kA) + (y * y) / (kB * kB) <= 1;
  };
  auto at = [&](long i, long j) {
    uint64_t k = static_cast<uint64_t>(i * nx + j);
    double x = -kA + j * step + (draw(k, 1) - 0.5) * 0.7 * step, y = -kB + i * step + (draw(k, 2) - 0.5) * 0.7 * step;
    return std::pair{kLon0 + x / kKmLon, kLat0 + y / kKmLat};
  };
  const int64_t cells = static_cast<int64_t>(nx) * ny;
  const int64_t shape_base = cells + 1, extra_base = 5 * cells + 1;  // 2 horizontal + 2 vertical shape ids per cell
  auto link_missing = [&](uint64_t k, int dir, bool fast) { return !fast && draw(k, 10 + dir) < 0.12; };

  osmium::io::Header header;
  header.set("generator", "maillage gen_osm_france");
  osmium::io::Writer writer{out, header, osmium::io::overwrite::allow};
  osmium::memory::Buffer buffer{1 << 24, osmium::memory::Buffer::auto_grow::yes};
  auto flush = [&] {
    if (buffer.committed() > (1 << 23)) {
      writer(std::move(buffer));
      buffer = osmium::memory::Buffer{1 << 24, osmium::memory::Buffer::auto_grow::yes};
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  size_t nodes = 0, ways = 0, refs = 0, intersections = 0;
  // Nodes in id order: intersections, then shape points, then the untagged others.
  for (long i = 0; i < ny; ++i)
    for (long j = 0; j < nx; ++j) {
      if (!inside(i, j)) continue;
      auto [lon, lat] = at(i, j);
      osmium::builder::add_node(buffer, _id(i * nx + j + 1), _version(1), _location(lon, lat));
      ++nodes, ++intersections;
      flush();
    }
  for (int dir = 0; dir < 2; ++dir)
    for (long i = 0; i < ny; ++i)
      for (long j = 0; j < nx; ++j) {
        long i2 = dir ? i + 1 : i, j2 = dir ? j : j + 1;
        if (!inside(i, j) || !inside(i2, j2)) continue;
        auto a = at(i, j), b = at(i2, j2);
        uint64_t k = static_cast<uint64_t>(i * nx + j);
        for (int s = 0; s < 2; ++s) {
          double f = (s + 1) / 3.0, w = (draw(k, 20 + 2 * dir + s) - 0.5) * 0.15 * step;
          double lon = a.first + f * (b.first - a.first) + (dir ? w / kKmLon : 0);
          double lat = a.second + f * (b.second - a.second) + (dir ? 0 : w / kKmLat);
          osmium::builder::add_node(buffer, _id(shape_base + 4 * static_cast<int64_t>(k) + 2 * dir + s), _version(1),
                                    _location(lon, lat));
          ++nodes;
          flush();
        }
      }
  for (long i = 0; i < ny; ++i)
    for (long j = 0; j < nx; ++j) {
      if (!inside(i, j)) continue;
      auto [lon, lat] = at(i, j);
      uint64_t k = static_cast<uint64_t>(i * nx + j);
      for (int e = 0; e < extra; ++e) {
        osmium::builder::add_node(
            buffer, _id(extra_base + static_cast<int64_t>(k) * extra + e), _version(1),
            _location(lon + (draw(k, 40 + e) - 0.5) * step / kKmLon, lat + (draw(k, 60 + e) - 0.5) * step / kKmLat));
        ++nodes;
        flush();
      }
    }
  // Ways: the links of each row (dir 0) and column (dir 1), chained by 8, cut where a link is missing.
  int64_t way_id = 1;
  std::vector<osmium::object_id_type> chain;
  auto emit = [&](bool fast, uint64_t k) {
    if (chain.size() >= 2) {
      const char* highway = fast ? (draw(k, 80) < 0.5 ? "trunk" : "primary")
                                 : (draw(k, 81) < 0.6   ? "residential"
                                    : draw(k, 82) < 0.5 ? "unclassified"
                                                        : "tertiary");
      std::string maxspeed = std::to_string(fast ? 90 + 10 * static_cast<int>(draw(k, 83) * 3)
                                                 : 30 + 10 * static_cast<int>(draw(k, 84) * 3));
      bool oneway = !fast && draw(k, 85) < 0.10;
      if (oneway)
        osmium::builder::add_way(buffer, _id(way_id++), _version(1), _nodes(chain), _tag("highway", highway),
                                 _tag("maxspeed", maxspeed), _tag("oneway", "yes"));
      else
        osmium::builder::add_way(buffer, _id(way_id++), _version(1), _nodes(chain), _tag("highway", highway),
                                 _tag("maxspeed", maxspeed));
      ++ways;
      refs += chain.size();
      flush();
    }
    chain.clear();
  };
  for (int dir = 0; dir < 2; ++dir) {
    const long outer = dir ? nx : ny, inner = dir ? ny : nx;
    for (long o = 0; o < outer; ++o) {
      const bool fast = o % corridor == 0;
      int links = 0;
      for (long m = 0; m + 1 < inner; ++m) {
        long i = dir ? m : o, j = dir ? o : m, i2 = dir ? m + 1 : o, j2 = dir ? o : m + 1;
        uint64_t k = static_cast<uint64_t>(i * nx + j);
        if (!inside(i, j) || !inside(i2, j2) || link_missing(k, dir, fast)) {
          emit(fast, k);
          links = 0;
          continue;
        }
        if (chain.empty()) chain.push_back(i * nx + j + 1);
        chain.push_back(shape_base + 4 * static_cast<int64_t>(k) + 2 * dir);
        chain.push_back(shape_base + 4 * static_cast<int64_t>(k) + 2 * dir + 1);
        chain.push_back(i2 * nx + j2 + 1);
        if (++links == 8) {
          emit(fast, k);
          chain.push_back(i2 * nx + j2 + 1);  // the next way starts where this one ends
          links = 0;
        }
      }
      emit(fast, 0);
    }
  }
  writer(std::move(buffer));
  writer.close();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: %zu nodes (%zu intersections, %d untagged per intersection), %zu ways, %zu way refs; %.1f s\n",
              out.c_str(), nodes, intersections, extra, ways, refs, s);
  return 0;
}
