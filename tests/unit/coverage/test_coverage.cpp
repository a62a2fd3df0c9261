// Coverage on a tiny synthetic territory where every figure is checked by hand, and on the bundled region
// where the population totals of every report must equal the input totals.
#include <gtest/gtest.h>

#include <numeric>

#include "../roads/graph_helpers.hpp"
#include "core/paths.hpp"
#include "coverage/coverage.hpp"
#include "coverage/part_time.hpp"
#include "core/error.hpp"
#include "roads/builder.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"

#include <fmt/format.h>

using namespace maillage;
using namespace maillage::coverage;

namespace {
// A straight road of four nodes, 5 minutes between neighbours, both ways; one place at the first node.
//   place=n0 --5 min-- n1 (A) --5 min-- n2 (B) --5 min-- n3 (C, E)          D: 12 km away, no road
struct Toy {
  roads::RoadGraph graph;
  std::unique_ptr<routing::Snapper> snapper;
  territory::PopulationPoints points;
  std::vector<Place> places;
  Toy() {
    roads::GraphBuilder b;
    std::vector<roads::NodeId> n;
    for (int i = 0; i < 4; ++i) n.push_back(b.add_node({-0.60 + 0.05 * i, 44.80}));
    for (int i = 0; i < 3; ++i) b.add_edge(n[i], n[i + 1], {}, 4000, 300, 300, roads::RoadClass::residential, "D1");
    graph = b.finish();
    snapper = std::make_unique<routing::Snapper>(graph, routing::SnapOptions{2000, 30, 1.3});
    points.source = territory::PopulationSource::Grid;
    auto pt = [&](double lon, double pop, const char* dep, const char* insee, int gx) {
      points.points.push_back({{lon, 44.80}, pop, dep, insee, fmt::format("cell{}", gx), gx, 0});
    };
    pt(-0.55, 100, "33", "33063", 0);  // A at n1: 5 min
    pt(-0.50, 200, "33", "33063", 1);  // B at n2: exactly 10 min
    pt(-0.45, 300, "33", "33063", 3);  // C at n3: 15 min
    pt(-0.30, 50, "40", "40192", 4);   // D: no road within 2 km: unreachable, next to C on the grid
    pt(-0.45, 70, "40", "40192", 10);  // E at n3: 15 min, alone on the grid
    places.push_back({"p0", "Le Lieu", "33063", {-0.60, 44.80}});
  }
};
}  // namespace

TEST(Coverage, ToyTerritoryHandChecked) {
  Toy toy;
  Engine engine(toy.graph, *toy.snapper, toy.points, territory::CommuneTable::bundled());
  engine.compute(toy.places);
  auto& t = engine.point_times();
  EXPECT_EQ(t[0].ms, 300000u);
  EXPECT_EQ(t[1].ms, 600000u);
  EXPECT_EQ(t[2].ms, 900000u);
  EXPECT_EQ(t[3].ms, roads::kInfinity);
  EXPECT_FALSE(t[3].snapped);
  EXPECT_EQ(t[4].ms, 900000u);
  EXPECT_EQ(t[0].place, 0u);

  auto r = build_report(engine, toy.places, "2024-01-01", 10);
  EXPECT_DOUBLE_EQ(r.population, 720);
  EXPECT_DOUBLE_EQ(r.covered, 300);  // A, and B at exactly 10:00 (within)
  EXPECT_DOUBLE_EQ(r.unreachable, 50);
  EXPECT_NEAR(r.share(), 300.0 / 720, 1e-12);
  auto dep = [&](const std::string& d) {
    for (auto& x : r.departments)
      if (x.dep == d) return x;
    return DepartmentFigures{};
  };
  EXPECT_DOUBLE_EQ(dep("33").population, 600);
  EXPECT_DOUBLE_EQ(dep("33").covered, 300);
  EXPECT_EQ(dep("33").places, 1);
  EXPECT_DOUBLE_EQ(dep("40").population, 120);
  EXPECT_DOUBLE_EQ(dep("40").covered, 0);
  EXPECT_DOUBLE_EQ(dep("40").unreachable, 50);
  // Bands: A in 5-10, B in 10-15, C and E in 15-20, D unreachable.
  std::map<std::string, double> bands(r.bands.begin(), r.bands.end());
  EXPECT_DOUBLE_EQ(bands["0-5"], 0);
  EXPECT_DOUBLE_EQ(bands["5-10"], 100);
  EXPECT_DOUBLE_EQ(bands["10-15"], 200);
  EXPECT_DOUBLE_EQ(bands["15-20"], 370);
  EXPECT_DOUBLE_EQ(bands["unreachable"], 50);
  // Deciles over the 670 reachable inhabitants: 10 % = 67 (A), 20-40 % within B (up to 300), the rest 15.
  ASSERT_EQ(r.deciles_min.size(), 9u);
  EXPECT_DOUBLE_EQ(r.deciles_min[0], 5);
  EXPECT_DOUBLE_EQ(r.deciles_min[1], 10);
  EXPECT_DOUBLE_EQ(r.deciles_min[3], 10);
  EXPECT_DOUBLE_EQ(r.deciles_min[4], 15);
  EXPECT_DOUBLE_EQ(r.deciles_min[8], 15);
  // Zones: C and D share an edge of the grid (cells 3 and 4) but not a department (33 and 40): cut apart; E
  // (cell 10) is alone. Largest first: C 300, E 70, D 50.
  ASSERT_EQ(r.zones.size(), 3u);
  EXPECT_DOUBLE_EQ(r.zones[0].population, 300);
  EXPECT_EQ(r.zones[0].cells, 1);
  EXPECT_EQ(r.zones[0].nearest_ms, 900000u);
  EXPECT_EQ(r.zones[0].main_communes[0].first, "33063");
  EXPECT_EQ(r.zones[0].dep, "33");
  EXPECT_DOUBLE_EQ(r.zones[1].population, 70);
  EXPECT_EQ(r.zones[1].rank, 2);
  EXPECT_DOUBLE_EQ(r.zones[2].population, 50);
  EXPECT_EQ(r.zones[2].dep, "40");
  EXPECT_EQ(r.zones[2].nearest_ms, roads::kInfinity);
  // Communes: Bordeaux's points A, B, C: weighted mean (5x100 + 10x200 + 15x300) / 600.
  for (auto& c : r.communes) {
    if (c.insee == "33063") {
      EXPECT_DOUBLE_EQ(c.population, 600);
      EXPECT_NEAR(c.mean_minutes, 7000.0 / 600, 1e-9);
      EXPECT_DOUBLE_EQ(c.covered_share, 0.5);
    }
    if (c.insee == "40192") {
      EXPECT_NEAR(c.mean_minutes, 15, 1e-9);  // D unreachable: E only
    }
  }
  // A threshold of 15 covers C and E too; 4.99 covers nobody.
  EXPECT_DOUBLE_EQ(build_report(engine, toy.places, "2024-01-01", 15).covered, 670);
  EXPECT_DOUBLE_EQ(build_report(engine, toy.places, "2024-01-01", 4.99).covered, 0);
}

TEST(Coverage, NoPlaceMeansNobodyCovered) {
  Toy toy;
  Engine engine(toy.graph, *toy.snapper, toy.points, territory::CommuneTable::bundled());
  engine.compute({});
  auto r = build_report(engine, {}, "2024-01-01", 20);
  EXPECT_DOUBLE_EQ(r.covered, 0);
  EXPECT_DOUBLE_EQ(r.unreachable, 720);
  EXPECT_EQ(r.zones.size(), 4u);  // cells {0, 1} and {3} (33), {4} and {10} (40): cut at the department boundary
}

TEST(Coverage, ZonesAreCutAtTheEdgesOfThe30KmGrid) {
  // A row of 70 uncovered cells of one department, no road: zones of at most 30 cells, cut at gx = 30 and 60.
  roads::GraphBuilder b;
  auto n0 = b.add_node({-0.60, 44.80}), n1 = b.add_node({-0.59, 44.80});
  b.add_edge(n0, n1, {}, 800, 60, 60, roads::RoadClass::residential, "D1");
  auto graph = b.finish();
  routing::Snapper snapper(graph, routing::SnapOptions{2000, 30, 1.3});
  territory::PopulationPoints points;
  points.source = territory::PopulationSource::Grid;
  for (int gx = 0; gx < 70; ++gx)
    points.points.push_back({{1.0 + 0.01 * gx, 45.5}, 10, "87", "87085", fmt::format("cell{}", gx), gx, 0});
  Engine engine(graph, snapper, points, territory::CommuneTable::bundled());
  engine.compute({});
  auto r = build_report(engine, {}, "2024-01-01", 20);
  ASSERT_EQ(r.zones.size(), 3u);
  std::vector<int> cells;
  for (auto& z : r.zones) cells.push_back(z.cells);
  std::sort(cells.begin(), cells.end());
  EXPECT_EQ(cells, (std::vector<int>{10, 30, 30}));
}

TEST(Coverage, BundledRegionTotalsEqualInputTotals) {
  auto& profile = test::car_profile();
  auto graph = roads::build_from_skeleton({paths::data_file("roads/tm_fra_naq_waypoints.csv.gz"),
                                           paths::data_file("roads/tm_neighbours30km_waypoints.csv.gz")},
                                          profile, "{}");
  routing::Snapper snapper(graph, routing::SnapOptions::from(profile));
  auto& communes = territory::CommuneTable::bundled();
  std::vector<Place> places;
  for (auto code :
       {"33063", "87085", "86194", "64445", "23096", "24322", "16015", "17300", "19272", "40192", "47001", "79191"})
    places.push_back({code, code, code, communes.find(code)->centre});
  for (auto src : {territory::PopulationSource::Grid, territory::PopulationSource::Communes}) {
    auto& pts = territory::bundled_points(src);
    Engine engine(graph, snapper, pts, communes);
    engine.compute(places);
    auto r = build_report(engine, places, "2024-01-01", 20);
    double input = pts.total();
    EXPECT_DOUBLE_EQ(r.population, input);
    if (src == territory::PopulationSource::Grid)
      EXPECT_DOUBLE_EQ(input, 6043980);
    else
      EXPECT_DOUBLE_EQ(input, 6150451);
    double deps = 0, bands = 0, zones = 0, comm = 0;
    for (auto& d : r.departments) deps += d.population;
    for (auto& [n, p] : r.bands) bands += p;
    for (auto& z : r.zones) zones += z.population;
    for (auto& c : r.communes) comm += c.population;
    EXPECT_NEAR(deps, input, 1e-6);
    EXPECT_NEAR(bands, input, 1e-6);
    if (src == territory::PopulationSource::Grid) {
      EXPECT_NEAR(zones + r.covered, input, 1e-6);  // every uncovered cell is in exactly one zone
      double no_commune = 0;
      for (auto& p : pts.points)
        if (p.insee.empty()) no_commune += p.population;
      EXPECT_NEAR(comm + no_commune, input, 1e-6);  // the 3 coastal cells outside every commune outline
    } else {
      EXPECT_NEAR(comm, input, 1e-6);
    }
    // Twelve places in the prefectures cover a fifth to a half of the region.
    EXPECT_GT(r.share(), 0.2);
    EXPECT_LT(r.share(), 0.9);
  }
}

TEST(PartTime, ToyHandChecked) {
  // Permanent: A (5 min) and B (10 min) with a 10-minute threshold. Two stops at n3 (C and E), served on the
  // first Tuesday 09:00-12:00 and 10:00-13:00: their union is 4 hours in a fortnight, 2 hours a week.
  Toy toy;
  Engine engine(toy.graph, *toy.snapper, toy.points, territory::CommuneTable::bundled());
  engine.compute(toy.places);
  std::vector<TimedSite> sites = {{"bus#1", "C1", "33063", {-0.45, 44.80}, {{1, 540, 720}}},
                                  {"bus#2", "C2", "33063", {-0.45, 44.80}, {{1, 600, 780}}},
                                  {"bus#3", "C3", "33063", {-0.45, 44.80}, {{1, 540, 720}}}};  // same windows as #1
  auto r = part_time(engine, sites, {threshold_ms(10), 14, 1.0});
  EXPECT_EQ(r.sweeps, 2u);  // one per distinct set of windows, not per stop
  EXPECT_DOUBLE_EQ(r.population, 720);
  EXPECT_DOUBLE_EQ(r.permanent, 300);
  EXPECT_DOUBLE_EQ(r.part_time, 370);  // C and E
  EXPECT_FLOAT_EQ(r.hours_week[2], 2.0f);
  EXPECT_EQ(r.state[3], 0);  // D: no road
  EXPECT_DOUBLE_EQ(r.by_weekday[1], 670);
  EXPECT_DOUBLE_EQ(r.by_weekday[0], 300);
  auto strict = part_time(engine, sites, {threshold_ms(10), 14, 2.5});
  EXPECT_DOUBLE_EQ(strict.part_time, 0);
  EXPECT_DOUBLE_EQ(strict.reached_below_h, 370);
  // A stop open on Tuesday morning, as a place: "the nearest place open then".
  EXPECT_EQ(open_during(sites, parse_day_time("Tu 11:00-12:00")).size(), 3u);
  EXPECT_EQ(open_during(sites, parse_day_time("Tu 12:30-14:00")).size(), 1u);
  EXPECT_TRUE(open_during(sites, parse_day_time("We 09:00-12:00")).empty());
  EXPECT_THROW(parse_day_time("mardi"), Error);
  EXPECT_THROW(parse_day_time("Tu 12:00-09:00"), Error);
}
