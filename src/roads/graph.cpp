#include "roads/graph.hpp"

#include "core/memory.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "core/error.hpp"

namespace maillage::roads {

namespace {
const char* const kClassNames[] = {"motorway",     "trunk",       "primary", "secondary",      "tertiary",
                                   "unclassified", "residential", "service", "living_street",  "ferry",
                                   "autoroute",    "nationale",   "e_road",  "departementale", "other",
                                   "locale",       "voie_express"};
constexpr char kMagic[8] = {'M', 'A', 'I', 'L', 'G', 'R', 'P', 'H'};
constexpr uint32_t kVersion = 3;  // 2: interleaved (node, weight) arcs; 3: road class "locale" (skeleton local layer)

// Every array of the file, in file order, through one visitor (save and load cannot disagree).
template <class G, class F>
void for_each_array(G& g, F&& f) {
  f(g.lon_e7), f(g.lat_e7), f(g.x), f(g.y), f(g.in_main_component);
  f(g.first_out), f(g.out), f(g.arc_edge);
  f(g.first_in), f(g.in), f(g.in_arc_edge);
  f(g.edge_from), f(g.edge_to), f(g.edge_time_fwd), f(g.edge_time_bwd), f(g.edge_length_m), f(g.edge_class);
  f(g.edge_name), f(g.edge_shape_first), f(g.shape_lon_e7), f(g.shape_lat_e7);
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
}  // namespace

const char* road_class_name(RoadClass c) { return kClassNames[static_cast<int>(c)]; }

RoadClass road_class_from_name(const std::string& name) {
  for (int i = 0; i < static_cast<int>(std::size(kClassNames)); ++i)
    if (name == kClassNames[i]) return static_cast<RoadClass>(i);
  return RoadClass::other;
}

std::vector<geo::LonLat> RoadGraph::edge_polyline(EdgeId e) const {
  std::vector<geo::LonLat> out;
  out.push_back(lonlat(edge_from[e]));
  for (uint32_t i = edge_shape_first[e]; i < edge_shape_first[e + 1]; ++i)
    out.push_back({shape_lon_e7[i] * 1e-7, shape_lat_e7[i] * 1e-7});
  out.push_back(lonlat(edge_to[e]));
  return out;
}

size_t RoadGraph::memory_bytes() const {
  size_t total = 0;
  for_each_array(*this, [&](const auto& v) { total += v.size() * sizeof(v[0]); });
  for (auto& s : names) total += s.size() + sizeof(s);
  return total;
}

uint32_t RoadGraph::save(const std::string& path) {
  validate();
  // A temporary file of this process's own: two processes building the same missing graph at once (two servers
  // started together) each write theirs and rename it; the file is always one whole graph.
  std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
  std::unique_ptr<FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
  if (!f) throw Error(path + ": cannot write: " + std::strerror(errno));
  uLong crc = crc32(0L, Z_NULL, 0);
  auto put = [&](const void* data, size_t bytes, bool checksum = true) {
    if (bytes && std::fwrite(data, 1, bytes, f.get()) != bytes) throw Error(path + ": write failed");
    if (checksum && bytes) crc = crc32_z(crc, static_cast<const Bytef*>(data), bytes);
  };
  auto put_u64 = [&](uint64_t v) { put(&v, sizeof v); };
  auto put_string = [&](const std::string& s) {
    put_u64(s.size());
    put(s.data(), s.size());
  };
  put(kMagic, sizeof kMagic, false);
  uint32_t version = kVersion;
  put(&version, sizeof version, false);
  for_each_array(*this, [&](const auto& v) {
    put_u64(v.size());
    put(v.data(), v.size() * sizeof(v[0]));
  });
  put_u64(names.size());
  for (auto& s : names) put_string(s);
  for (auto* s : {&source, &profile_name, &profile_json, &built_at}) put_string(*s);
  uint32_t c = static_cast<uint32_t>(crc);
  put(&c, sizeof c, false);
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error(path + ": cannot write: " + std::strerror(errno));
  checksum = c;
  return c;
}

RoadGraph RoadGraph::load(const std::string& path) {
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) throw Error(path + ": cannot open graph file: " + std::strerror(errno));
  std::fseek(f.get(), 0, SEEK_END);
  const uint64_t file_size = static_cast<uint64_t>(std::ftell(f.get()));
  std::fseek(f.get(), 0, SEEK_SET);
  uLong crc = crc32(0L, Z_NULL, 0);
  uint64_t pos = 0;
  auto get = [&](void* data, size_t bytes, bool checksum = true) {
    if (bytes > file_size - pos) throw Error(path + ": graph file is truncated or corrupt (sizes do not fit)");
    if (bytes && std::fread(data, 1, bytes, f.get()) != bytes) throw Error(path + ": graph file is truncated");
    pos += bytes;
    if (checksum && bytes) crc = crc32_z(crc, static_cast<const Bytef*>(data), bytes);
  };
  auto get_u64 = [&] {
    uint64_t v = 0;
    get(&v, sizeof v);
    return v;
  };
  char magic[8];
  get(magic, sizeof magic, false);
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    throw Error(path + ": not a Maillage graph file (build one with 'maillage graph build')");
  uint32_t version = 0;
  get(&version, sizeof version, false);
  if (version != kVersion)
    throw GraphVersionError(
        fmt::format("{}: graph file version {} is not supported (expected {}): rebuild it", path, version, kVersion));
  RoadGraph g;
  for_each_array(g, [&](auto& v) {
    uint64_t n = get_u64();
    if (n > (file_size - pos) / sizeof(v[0]))
      throw Error(path + ": graph file is truncated or corrupt (an array is larger than the file)");
    v.resize(n);
    get(v.data(), n * sizeof(v[0]));
  });
  auto read_string = [&] {
    uint64_t n = get_u64();
    if (n > file_size - pos) throw Error(path + ": graph file is corrupt (string size)");
    std::string s(n, '\0');
    get(s.data(), n);
    return s;
  };
  uint64_t name_count = get_u64();
  if (name_count > file_size) throw Error(path + ": graph file is corrupt (name count)");
  g.names.reserve(name_count);
  for (uint64_t i = 0; i < name_count; ++i) g.names.push_back(read_string());
  for (auto* s : {&g.source, &g.profile_name, &g.profile_json, &g.built_at}) *s = read_string();
  uint32_t stored = 0;
  get(&stored, sizeof stored, false);
  if (stored != static_cast<uint32_t>(crc))
    throw Error(path + ": graph file checksum mismatch (the file is damaged): rebuild it");
  if (pos != file_size) throw Error(path + ": graph file has trailing bytes (damaged?)");
  g.checksum = stored;
  g.validate();
  // What the searches read in random order, on 2 MB pages (a France graph: 1 GB).
  huge_pages(g.first_out.data(), g.first_out.size() * sizeof(uint32_t));
  huge_pages(g.first_in.data(), g.first_in.size() * sizeof(uint32_t));
  huge_pages(g.out.data(), g.out.size() * sizeof(Arc));
  huge_pages(g.in.data(), g.in.size() * sizeof(Arc));
  return g;
}

void RoadGraph::validate() const {
  size_t n = lon_e7.size(), m = out.size(), e = edge_from.size();
  auto fail = [](const std::string& what) { throw Error("invalid road graph: " + what); };
  if (lat_e7.size() != n || x.size() != n || y.size() != n || in_main_component.size() != n)
    fail("node arrays differ in size");
  if (first_out.size() != n + 1 || first_in.size() != n + 1) fail("first_out/first_in must have n + 1 entries");
  if (first_out[0] != 0 || first_out[n] != m || first_in[0] != 0 || first_in[n] != m) fail("CSR bounds");
  for (size_t v = 0; v < n; ++v)
    if (first_out[v] > first_out[v + 1] || first_in[v] > first_in[v + 1]) fail("CSR offsets must not decrease");
  if (arc_edge.size() != m || in.size() != m || in_arc_edge.size() != m) fail("arc arrays differ in size");
  for (size_t a = 0; a < m; ++a)
    if (out[a].node >= n || in[a].node >= n || arc_edge[a] / 2 >= e || in_arc_edge[a] / 2 >= e ||
        out[a].weight == kInfinity || in[a].weight == kInfinity)
      fail(fmt::format("arc {} is out of range", a));
  if (edge_to.size() != e || edge_time_fwd.size() != e || edge_time_bwd.size() != e || edge_length_m.size() != e ||
      edge_class.size() != e || edge_name.size() != e || edge_shape_first.size() != e + 1)
    fail("edge arrays differ in size");
  if (edge_shape_first.back() != shape_lon_e7.size() || shape_lat_e7.size() != shape_lon_e7.size())
    fail("shape arrays");
  for (size_t i = 0; i < e; ++i)
    if (edge_from[i] >= n || edge_to[i] >= n || edge_name[i] >= std::max<size_t>(names.size(), 1) ||
        edge_shape_first[i] > edge_shape_first[i + 1])
      fail(fmt::format("edge {} is out of range", i));
}

}  // namespace maillage::roads
