#include "territory/neighbours.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "territory/config.hpp"

namespace maillage::territory {

using nlohmann::json;

namespace {
using Key = std::pair<int64_t, int64_t>;
Key key(const json& c) {
  return {std::llround(c.at(0).get<double>() * 1e7), std::llround(c.at(1).get<double>() * 1e7)};
}
template <class F>
void for_each_ring(const json& g, F f) {
  const auto& type = g.at("type").get_ref<const std::string&>();
  if (type == "Polygon")
    for (auto& ring : g.at("coordinates")) f(ring);
  else if (type == "MultiPolygon")
    for (auto& poly : g.at("coordinates"))
      for (auto& ring : poly) f(ring);
}
}  // namespace

OutlineEdges read_outline_edges(const std::string& path) {
  json doc;
  try {
    doc = json::parse(io::read_file(path));
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  OutlineEdges out;
  for (auto& f : doc.at("features")) {
    auto feature = static_cast<uint32_t>(out.codes.size());
    out.codes.push_back(f.at("properties").at("code").get<std::string>());
    for_each_ring(f.at("geometry"), [&](const json& ring) {
      for (size_t i = 0; i + 1 < ring.size(); ++i) {
        auto a = key(ring[i]), b = key(ring[i + 1]);
        if (a == b) continue;
        auto& owners = out.owners[{std::min(a, b), std::max(a, b)}];
        if (std::find(owners.begin(), owners.end(), feature) == owners.end()) owners.push_back(feature);
      }
    });
  }
  return out;
}

CommuneNeighbours commune_neighbours(const CommuneTable& communes, const OutlineEdges& edges) {
  CommuneNeighbours out;
  std::unordered_map<std::string, uint32_t> index;
  for (auto& c : communes.all()) {
    index[c.code] = static_cast<uint32_t>(out.codes.size());
    out.codes.push_back(c.code);
    out.centres.push_back(c.centre);
  }
  // Each feature's current commune (a commune merged since 2018 gathers its former ones); none when it left.
  std::vector<int64_t> current(edges.codes.size(), -1);
  for (size_t f = 0; f < edges.codes.size(); ++f)
    if (auto it = index.find(communes.current_code(edges.codes[f])); it != index.end()) current[f] = it->second;
  std::set<std::pair<uint32_t, uint32_t>> pairs;
  for (auto& [edge, features] : edges.owners)
    for (size_t i = 0; i < features.size(); ++i)
      for (size_t j = i + 1; j < features.size(); ++j) {
        auto a = current[features[i]], b = current[features[j]];
        if (a < 0 || b < 0 || a == b) continue;
        pairs.insert({static_cast<uint32_t>(std::min(a, b)), static_cast<uint32_t>(std::max(a, b))});
      }
  out.adjacent.assign(pairs.begin(), pairs.end());
  return out;
}

CommuneNeighbours commune_neighbours(const CommuneTable& communes, const std::string& path) {
  return commune_neighbours(communes, read_outline_edges(path));
}

namespace {
constexpr double kCell = 2000;  // metres
uint64_t cell_key(int64_t cx, int64_t cy) {
  return (static_cast<uint64_t>(cx + (1 << 24)) << 32) | static_cast<uint64_t>(cy + (1 << 24));
}
}  // namespace

void LandMask::add(geo::XY a, geo::XY b) {
  auto id = static_cast<uint32_t>(lines_.size());
  lines_.push_back({a, b});
  for (auto cx = static_cast<int64_t>(std::floor(std::min(a.x, b.x) / kCell));
       cx <= static_cast<int64_t>(std::floor(std::max(a.x, b.x) / kCell)); ++cx)
    for (auto cy = static_cast<int64_t>(std::floor(std::min(a.y, b.y) / kCell));
         cy <= static_cast<int64_t>(std::floor(std::max(a.y, b.y) / kCell)); ++cy)
      grid_[cell_key(cx, cy)].push_back(id);
}

LandMask::LandMask(const OutlineEdges& edges, const std::string& barriers_path)
    : proj_(std::make_shared<geo::Projection>("EPSG:2154")) {
  // Shore: the boundary edges that exactly one commune has.
  auto xy = [&](const Key& k) { return proj_->forward({k.first * 1e-7, k.second * 1e-7}); };
  for (auto& [edge, features] : edges.owners)
    if (features.size() == 1) add(xy(edge.first), xy(edge.second)), ++shore_;
  if (barriers_path.empty()) return;  // a territory without water barriers: the shore only
  auto doc = json::parse(io::read_file(barriers_path));
  for (auto& f : doc.at("features")) {
    auto& g = f.at("geometry");
    auto add_line = [&](const json& line) {
      for (size_t i = 0; i + 1 < line.size(); ++i) add(xy(key(line[i])), xy(key(line[i + 1])));
    };
    if (g.at("type") == "LineString")
      add_line(g.at("coordinates"));
    else if (g.at("type") == "MultiLineString")
      for (auto& line : g.at("coordinates")) add_line(line);
  }
}

const LandMask& LandMask::bundled() {
  static const LandMask m(read_outline_edges(data_path(config().commune_outlines, "commune_outlines")),
                          water_barriers_path());
  return m;
}

bool LandMask::on_land(geo::LonLat la, geo::LonLat lb) const {
  auto a = proj_->forward(la), b = proj_->forward(lb);
  std::vector<uint32_t> seen;
  for (auto cx = static_cast<int64_t>(std::floor(std::min(a.x, b.x) / kCell));
       cx <= static_cast<int64_t>(std::floor(std::max(a.x, b.x) / kCell)); ++cx)
    for (auto cy = static_cast<int64_t>(std::floor(std::min(a.y, b.y) / kCell));
         cy <= static_cast<int64_t>(std::floor(std::max(a.y, b.y) / kCell)); ++cy) {
      auto it = grid_.find(cell_key(cx, cy));
      if (it == grid_.end()) continue;
      for (uint32_t i : it->second)
        if (segments_cross(a, b, lines_[i].first, lines_[i].second)) return false;
    }
  return true;
}

}  // namespace maillage::territory
