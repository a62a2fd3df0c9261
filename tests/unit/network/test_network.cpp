// Contacts, their GDPR erasure (checked on the bytes of the SQLite file), and events with their waiting list, on
// a real database seeded from the bundled data.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <libical/ical.h>
#include <thread>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "network/members.hpp"
#include "network/network.hpp"
#include "network/resources.hpp"
#include "seeded_db.hpp"

using namespace maillage;
using namespace maillage::network;

namespace {

struct Net : ::testing::Test {
  test::SeededDb s;
  Contacts contacts{*s.store};
  Events events{*s.store};
  std::string soon = date::utc_after(10 * 24 * 3600).substr(0, 10);
  int64_t person(const std::string& first, const std::string& last, const std::string& email) {
    Contact c;
    c.first_name = first, c.last_name = last, c.email = email, c.insee_code = "Guéret";
    return contacts.add(c, "test");
  }
  int64_t event(int capacity) {
    Event e;
    e.title = "Journée d'information", e.starts_at = soon + "T09:30", e.ends_at = soon + "T12:30";
    e.insee_code = "23096", e.capacity = capacity;
    return events.create(e, "test");
  }
  std::string file_bytes() { return maillage::test::stored_bytes(s.db_path); }
};

}  // namespace

TEST_F(Net, ContactsAreCheckedFilteredAndTheirInteractionsAppendOnly) {
  auto org = contacts.add_organisation({0, "Communauté de communes Creuse Sud-Ouest", "epci", "Guéret"});
  Contact c;
  c.first_name = "Anne", c.last_name = "Martin", c.email = " Anne@Example.ORG ", c.organisation_id = org;
  c.tags = "élus; financeurs", c.role = "vice-présidente";
  auto id = contacts.add(c, "test");
  auto got = *contacts.get(id);
  EXPECT_EQ(got.email, "anne@example.org");
  EXPECT_EQ(got.tags, "élus;financeurs");
  EXPECT_EQ(got.dep, "23");  // from the organisation's commune
  Contact bad;
  bad.last_name = "X", bad.email = "pas une adresse";
  EXPECT_THROW(contacts.add(bad, "t"), InputError);
  bad.email = "", bad.lawful_basis = "consent";  // consent without its date
  EXPECT_THROW(contacts.add(bad, "t"), InputError);
  ContactFilter f;
  f.tag = "élus";
  EXPECT_EQ(contacts.list(f).size(), 1u);
  f = {};
  f.kind = "epci";
  EXPECT_EQ(contacts.list(f).size(), 1u);
  contacts.log({0, id, 0, "met", "2026-03-02", "rencontre au salon", "test"});
  EXPECT_EQ(contacts.interactions(id).size(), 1u);
  EXPECT_THROW(s.db().exec("DELETE FROM interactions"), Error);
  EXPECT_THROW(s.db().exec("UPDATE interactions SET note = 'réécrite'"), Error);
  // The retention rule: not touched for N years.
  s.db().exec("UPDATE contacts SET last_touched_at = '2019-01-01T00:00:00Z'");
  f = {};
  f.stale_years = 3;
  EXPECT_EQ(contacts.list(f).size(), 1u);
}

TEST_F(Net, CsvAndVcardRoundTripsAndABadRowRefusesTheFile) {
  person("Anne", "Martin", "anne@example.org");
  person("Jean-Luc", "D'Aubigné; Fils", "jl@example.org");
  std::ostringstream csv;
  contacts.export_csv(contacts.list({}), csv);
  auto vcf = contacts.export_vcard(contacts.list({}));
  EXPECT_NE(vcf.find("N:D'Aubigné\\; Fils;Jean-Luc;;;"), std::string::npos) << vcf;
  test::SeededDb other;
  Contacts back(*other.store);
  EXPECT_EQ(back.import_vcard(vcf, "a.vcf", "test"), 2);
  EXPECT_EQ(back.list({})[0].last_name, "D'Aubigné; Fils");
  EXPECT_EQ(back.import_csv(csv.str(), "a.csv", "test"), 2);  // the same e-mails: updated, not doubled
  EXPECT_EQ(back.list({}).size(), 2u);
  try {
    back.import_csv("first_name,last_name,email\nA,B,a@b.fr\nC,D,pas-une-adresse\n", "bad.csv", "test");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().field, "email");
  }
  EXPECT_EQ(back.list({}).size(), 2u);  // nothing of the refused file
}

TEST_F(Net, ErasureLeavesNoTraceOfThePersonInTheFileAndTheCountsUnchanged) {
  auto id = person("Gwenaëlle", "Kerbrat-Oyarzabal", "gwenaelle.kerbrat@example.org");
  person("Paul", "Autre", "paul@example.org");
  contacts.log({0, id, 0, "called", "2026-03-02", "Gwenaëlle Kerbrat-Oyarzabal rappelle lundi", "test"});
  auto ev = event(5);
  events.register_person(ev, "Gwenaëlle Kerbrat-Oyarzabal", "gwenaelle.kerbrat@example.org", "Mairie", true);
  s.db().exec(
      "INSERT INTO mail_outbox (event, recipient, subject, body_text, body_html, status, next_attempt_at, "
      "created_at) VALUES ('event_registration', 'gwenaelle.kerbrat@example.org', 'x', "
      "'Bonjour Gwenaëlle Kerbrat-Oyarzabal', '<p>Kerbrat-Oyarzabal</p>', 'sent', '', '')");
  auto before = file_bytes();
  ASSERT_NE(before.find("Kerbrat-Oyarzabal"), std::string::npos);
  EXPECT_FALSE(contacts.personal_data(id)["event_registrations"].empty());
  auto count = [&](const char* sql) {
    auto st = s.db().prepare(sql);
    st.step();
    return st.int64(0);
  };
  auto n_contacts = count("SELECT count(*) FROM contacts"), n_regs = count("SELECT count(*) FROM registrations");
  auto n_inter = count("SELECT count(*) FROM interactions");
  EXPECT_GT(contacts.erase(id, "test"), 0);
  auto after = file_bytes();
  EXPECT_EQ(after.find("Kerbrat-Oyarzabal"), std::string::npos);
  EXPECT_EQ(after.find("gwenaelle.kerbrat@example.org"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM contacts"), n_contacts);
  EXPECT_EQ(count("SELECT count(*) FROM registrations"), n_regs);
  EXPECT_EQ(count("SELECT count(*) FROM interactions"), n_inter);
  EXPECT_EQ(events.get(ev)->registered, 1);  // the seat is still counted
  EXPECT_TRUE(contacts.get(id)->erased_at.size() > 0);
  EXPECT_CODE(contacts.log({0, id, 0, "met", "2026-03-03", "", "test"}), Errc::erased);
}

TEST_F(Net, NeverMoreRegisteredThanSeatsTheWaitingListInOrderAndPromotion) {
  auto ev = event(3);
  std::vector<Events::Registered> r;
  for (int i = 0; i < 5; ++i)
    r.push_back(events.register_person(ev, fmt::format("P{}", i), fmt::format("p{}@example.org", i), "", true));
  EXPECT_EQ(r[2].registration.status, "registered");
  EXPECT_EQ(r[3].registration.status, "waiting");
  EXPECT_EQ(r[3].registration.position, 1);
  EXPECT_EQ(r[4].registration.position, 2);
  EXPECT_CODE(events.register_person(ev, "P0", "p0@example.org", "", true), Errc::already_registered);
  EXPECT_THROW(events.register_person(ev, "X", "x@example.org", "", false), InputError);
  auto c = events.cancel(r[1].key);
  ASSERT_TRUE(c.promoted);
  EXPECT_EQ(c.promoted->email, "p3@example.org");
  EXPECT_EQ(events.by_key(r[4].key)->position, 1);
  EXPECT_THROW(events.cancel(r[1].key), Conflict);
  EXPECT_EQ(events.get(ev)->registered, 3);
  // Attendance only once the event has started.
  EXPECT_THROW(events.set_attendance(r[0].registration.id, true, "t"), Conflict);
  // A cancelled event takes no registration.
  auto gone = event(3);
  events.cancel_event(gone, "t");
  EXPECT_CODE(events.register_person(gone, "Q", "q@example.org", "", true), Errc::event_closed);
  // The iCalendar feed reads with libical.
  auto ics = events.icalendar(events.list(date::today()), "http://maillage.test");
  icalcomponent* cal = icalparser_parse_string(ics.c_str());
  ASSERT_NE(cal, nullptr);
  auto* vevent = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  ASSERT_NE(vevent, nullptr);
  EXPECT_STREQ(icalcomponent_get_summary(vevent), "Journée d'information");
  icalcomponent_free(cal);
}

TEST_F(Net, ConcurrentRegistrationsFromManyConnectionsNeverOverbook) {
  auto ev = event(10);
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      registry::PlaceStore store(s.db_path, &territory::CommuneTable::bundled(), false);
      Events mine(store);
      for (int i = 0; i < 8; ++i) {
        try {
          mine.register_person(ev, "P", fmt::format("t{}-{}@example.org", t, i), "", true);
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors, 0);
  auto e = *events.get(ev);
  EXPECT_EQ(e.registered, 10);
  EXPECT_EQ(e.waiting, 22);
}

TEST_F(Net, ResourcesAreFoundByAnyFormOfAWordAndMembersOnlyStayHidden) {
  Resources res(*s.store, s.dir.file("files"));
  Resource guide;
  guide.title = "Guide : créer un tiers-lieu", guide.summary = "Étapes administratives",
  guide.themes = "création;juridique";
  auto g = res.add(guide);
  res.add_version(g, "guide final.txt", "Les statuts associatifs, le plan de financement, la gouvernance partagée.",
                  "t");
  Resource model;
  model.title = "Modèle de statuts de SCIC", model.audience = "members", model.themes = "juridique";
  auto m = res.add(model);
  auto ids = [](const std::vector<Resource>& v) {
    std::vector<int64_t> out;
    for (auto& r : v) out.push_back(r.id);
    return out;
  };
  EXPECT_EQ(ids(res.search("financements", "", false)), std::vector<int64_t>{g});  // the body, another form
  EXPECT_EQ(ids(res.search("statut", "", true)).size(), 2u);                       // title and body
  EXPECT_EQ(ids(res.search("statut", "", false)), std::vector<int64_t>{g});        // the model is for members
  EXPECT_EQ(ids(res.search("", "Juridique", false)), std::vector<int64_t>{g});
  EXPECT_TRUE(res.search("inexistant", "", true).empty());
  EXPECT_FALSE(res.get(m, false));
  EXPECT_CODE(res.download(m, 0, false), Errc::resource_not_found);
  // The file: stored by its digest, typed by its content, named safely; downloads counted.
  auto v = res.versions(g)[0];
  EXPECT_EQ(v.content_type, "text/plain");
  EXPECT_EQ(v.filename, "guide-final.txt");
  EXPECT_TRUE(std::filesystem::exists(s.dir.file("files") + "/" + v.sha256));
  auto f = res.download(g, 0, false);
  EXPECT_NE(f.bytes.find("gouvernance"), std::string::npos);
  EXPECT_EQ(res.get(g, false)->downloads, 1);
  // Refused: an executable, an empty file, a file too large.
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  elf.resize(200, '\0');
  EXPECT_THROW(res.add_version(g, "outil.pdf", elf, "t"), InputError);
  EXPECT_THROW(res.add_version(g, "vide.txt", "", "t"), InputError);
  EXPECT_THROW(res.add_version(g, "gros.txt", std::string(kMaxResourceBytes + 1, 'a'), "t"), InputError);
  EXPECT_EQ(french_stems("Les Statuts ASSOCIATIFS"), "le statut associ");
}

TEST_F(Net, MembersAndTheirCensus) {
  Members members(*s.store);
  auto places = s.store->list({});
  members.record({0, places[0].id, 0, 2026, true, 120.0});
  members.record({0, places[1].id, 0, 2026, false});
  members.record({0, places[1].id, 0, 2026, true});  // the fee paid later: the same membership
  auto id = person("Anne", "Martin", "anne@example.org");
  members.record({0, "", id, 2026, true});
  EXPECT_THROW(members.record({0, places[0].id, id, 2026, true}), InputError);
  auto c = members.census(2026);
  EXPECT_EQ(c.places, 2);
  EXPECT_EQ(c.people, 1);
  EXPECT_EQ(c.fee_paid, 3);
  EXPECT_EQ(c.by_type["personne"], 1);
  EXPECT_EQ(c.by_department["23"], 1);  // Anne in Guéret
  EXPECT_EQ(members.census(2025).places, 0);
}
