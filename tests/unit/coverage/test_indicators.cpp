#include <gtest/gtest.h>

#include "coverage/indicators.hpp"
#include "territory/communes.hpp"
#include "territory/degurba.hpp"

using namespace maillage;
using namespace maillage::coverage;

namespace {
registry::Place place(const std::string& id, const std::string& insee, uint32_t types, registry::Status st,
                      const std::string& open, const std::string& close = "") {
  registry::Place p;
  p.id = id;
  p.name = id;
  p.insee_code = insee;
  auto* c = territory::CommuneTable::bundled().find(insee);
  p.lon = c->centre.lon;
  p.lat = c->centre.lat;
  p.types = types;
  p.status = st;
  p.opening_date = open;
  p.closing_date = close;
  return p;
}
}  // namespace

TEST(Indicators, CountsRatesAndRuralShareAtADate) {
  using registry::Status;
  auto& classes = territory::bundled_commune_classes();
  // Bordeaux (city), Limoges (city), and a rural commune of Creuse.
  std::string rural;
  for (auto& c : territory::CommuneTable::bundled().all())
    if (c.dep == "23" && classes.at(c.code) == territory::CommuneClass::Rural) {
      rural = c.code;
      break;
    }
  std::vector<registry::Place> all = {
      place("a", "33063", 0b01, Status::Open, "2015-03-01"),
      place("b", "87085", 0b11, Status::Open, "2019"),
      place("c", rural, 0b1000, Status::Open, ""),                      // no known opening date: open at every date
      place("d", "33063", 0b01, Status::Closed, "2012", "2018-06-30"),  // closed before the date
      place("e", "33063", 0b01, Status::Project, ""),                   // a project is never open
  };
  auto r = compute_indicators(all, "2020-01-01", nullptr, 20, true);
  EXPECT_EQ(r.open_places, 3);
  EXPECT_EQ(r.open_without_opening_date, 1);
  EXPECT_EQ(r.by_type["coworking"], 2);
  EXPECT_EQ(r.by_type["fablab"], 1);
  EXPECT_EQ(r.by_type["hybride"], 1);
  EXPECT_NEAR(r.inhabitants_per_place, 6150451.0 / 3, 1e-6);
  EXPECT_EQ(r.by_urbanisation["city"], 2);
  EXPECT_EQ(r.by_urbanisation["rural"], 1);
  EXPECT_NEAR(r.rural_share, 1.0 / 3, 1e-12);
  for (auto& d : r.departments) {
    if (d.dep == "33") {
      EXPECT_EQ(d.open_places, 1);
    }
    if (d.dep == "16") {
      EXPECT_EQ(d.inhabitants_per_place, -1);  // no place
    }
  }
  // History: 1 January of each year from the first opening (2012) to 2020, then the date.
  ASSERT_EQ(r.history.size(), 9u);
  EXPECT_EQ(r.history.front().date, "2012-01-01");
  EXPECT_EQ(r.history.front().open_places, 2);  // d (2012 = from 1 January) and c (always)
  EXPECT_EQ(r.history[3].date, "2015-01-01");
  EXPECT_EQ(r.history[3].open_places, 2);  // d and c; a opens on 1 March
  EXPECT_EQ(r.history[4].open_places, 3);  // 2016: a, c, d
  EXPECT_EQ(r.history[7].open_places, 3);  // 2019: a, b, c (d closed in 2018)
  EXPECT_EQ(r.history.back().date, "2020-01-01");
  EXPECT_EQ(r.history.back().coverage_share, -1);  // no engine given
}
