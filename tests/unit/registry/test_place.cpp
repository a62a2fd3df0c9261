#include <gtest/gtest.h>

#include "registry/place.hpp"

using namespace maillage::registry;

TEST(Place, SiretCheckDigit) {
  EXPECT_TRUE(siret_checksum_ok("73282932000074"));  // a well-formed SIRET (Luhn)
  EXPECT_FALSE(siret_checksum_ok("73282932000075"));
  EXPECT_TRUE(siret_checksum_ok("35600000049837"));  // La Poste: digit sum multiple of 5
  EXPECT_FALSE(siret_checksum_ok("35600000049838"));
  EXPECT_FALSE(siret_checksum_ok("1234"));
}

TEST(Place, SiretFieldExplainsWhatIsWrong) {
  Place p;
  EXPECT_EQ(parse_field(p, Field::siret, "732 829 320 00074"), "");
  EXPECT_EQ(p.siret, "73282932000074");
  EXPECT_NE(parse_field(p, Field::siret, "123456789").find("expected 14 digits"), std::string::npos);
  EXPECT_NE(parse_field(p, Field::siret, "73282932000075").find("check digit"), std::string::npos);
}

TEST(Place, EnumerationsListAcceptedValues) {
  Place p;
  auto err = parse_field(p, Field::status, "bientot");
  EXPECT_NE(err.find("accepted values are open, project, closed"), std::string::npos) << err;
  err = parse_field(p, Field::types, "coworking;piscine");
  EXPECT_NE(err.find("unknown type 'piscine'"), std::string::npos) << err;
  EXPECT_NE(err.find("fablab"), std::string::npos);
  err = parse_field(p, Field::services, "wifi;jacuzzi");
  EXPECT_NE(err.find("unknown service 'jacuzzi'"), std::string::npos) << err;
  err = parse_field(p, Field::position_precision, "gps");
  EXPECT_NE(err.find("address, commune"), std::string::npos) << err;
}

TEST(Place, TypesAcceptKeysLabelsAndDictionaryWording) {
  Place p;
  ASSERT_EQ(parse_field(p, Field::types, "Coworking, fablab et atelier partagé"), "");
  EXPECT_EQ(format_field(p, Field::types), "coworking;fablab;atelier_partage");
  ASSERT_EQ(parse_field(p, Field::types, "NR"), "");
  EXPECT_EQ(p.types, 0u);
  ASSERT_EQ(parse_field(p, Field::status, "En projet"), "");
  EXPECT_EQ(p.status, Status::Project);
  ASSERT_EQ(parse_field(p, Field::status, "in project"), "");
  EXPECT_EQ(p.status, Status::Project);
}

TEST(Place, NumbersAndRanges) {
  Place p;
  EXPECT_EQ(parse_field(p, Field::staff_fte, "0,5"), "");
  EXPECT_DOUBLE_EQ(*p.staff_fte, 0.5);
  EXPECT_NE(parse_field(p, Field::staff_fte, "-1"), "");
  EXPECT_NE(parse_field(p, Field::staff_fte, "deux"), "");
  EXPECT_NE(parse_field(p, Field::seats_dropin, "-3"), "");
  EXPECT_NE(parse_field(p, Field::lat, "95"), "");
  EXPECT_EQ(parse_field(p, Field::staff_fte, ""), "");
  EXPECT_FALSE(p.staff_fte);
  EXPECT_NE(parse_field(p, Field::postcode, "3300"), "");
  EXPECT_NE(parse_field(p, Field::insee_code, "3306"), "");
  EXPECT_NE(parse_field(p, Field::contact_email, "no-at-sign"), "");
  EXPECT_NE(parse_field(p, Field::id, "bad id!"), "");
}

TEST(Place, OpenOnIsDerivedFromDates) {
  Place p;
  p.status = Status::Open;
  p.opening_date = "2019-09-01";
  EXPECT_FALSE(p.open_on("2019-08-31"));
  EXPECT_TRUE(p.open_on("2019-09-01"));
  p.opening_date = "2015";  // year only: from 1 January
  EXPECT_TRUE(p.open_on("2015-01-01"));
  EXPECT_FALSE(p.open_on("2014-12-31"));
  p.status = Status::Closed;
  p.closing_date = "2022-06-30";
  EXPECT_TRUE(p.open_on("2022-06-29"));
  EXPECT_FALSE(p.open_on("2022-06-30"));
  p.closing_date.clear();  // closed, date unknown: never counted
  EXPECT_FALSE(p.open_on("2020-01-01"));
  p.status = Status::Project;
  EXPECT_FALSE(p.open_on("2030-01-01"));
  p.status = Status::Open;
  p.opening_date.clear();  // open, opening date unknown: open at any date
  EXPECT_TRUE(p.open_on("2000-01-01"));
}

TEST(Place, EveryFieldFormatsAndParsesBack) {
  Place p;
  p.id = "x-1";
  p.name = "Le Lieu";
  p.siret = "73282932000074";
  p.types = 0b101;
  p.status = Status::Closed;
  p.opening_date = "2015-06";
  p.closing_date = "2020-01-31";
  p.lon = -0.123456789;
  p.lat = 45.987654321;
  p.precision = Precision::Commune;
  p.staff_fte = 1.25;
  p.seats_permanent = 5;
  p.services = 0b11;
  p.contact_email = "a@b.fr";
  p.source_date = "2019-05-14";
  Place q;
  for (auto& d : fields()) {
    if (!d.is_input || d.field == Field::commune) continue;
    ASSERT_EQ(parse_field(q, d.field, format_field(p, d.field)), "") << d.name;
  }
  for (auto& d : fields()) EXPECT_EQ(format_field(q, d.field), format_field(p, d.field)) << d.name;
}
