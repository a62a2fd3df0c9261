// The network's tools over HTTP on the real server: 32 people registering at once for 10 seats, the waiting list
// and its promotion, the access rules of contacts (anonymous, member, editor), the charter and the development
// check, the invitation list by drive time.
#include <atomic>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "core/date.hpp"
#include "mail/smtp_sink.hpp"
#include "server_process.hpp"

using maillage::test::bearer;
using maillage::test::body;
using maillage::test::Server;
using maillage::test::SmtpSink;
using nlohmann::json;

namespace {

struct World {
  SmtpSink sink{maillage::test::free_port()};
  std::unique_ptr<Server> server;
  std::string editor, member;
  World() {
    sink.use_for_servers();
    server = std::make_unique<Server>(
        std::vector<std::string>{"--mail-interval", "0.2", "--behind-proxy", "--registrations-per-hour", "3"});
    editor = server->token("--role editor --label test");
    auto m = server->cli("booking add-member --name Membre --email membre@maillage.test");  // "member N added"
    member = server->token("--role member --label test --member " +
                           std::to_string(std::stoll(m.substr(m.find("member ") + 7))));
  }
};
World& world() {
  static World w;
  return w;
}
std::string soon() { return maillage::date::utc_after(20 * 24 * 3600).substr(0, 10); }

int64_t make_event(int capacity) {
  auto r = world().server->http().Post("/api/v1/events", bearer(world().editor),
                                       json{{"title", "Journée d'information : créer un tiers-lieu"},
                                            {"kind", "information_day"},
                                            {"starts_at", soon() + "T09:30"},
                                            {"ends_at", soon() + "T12:30"},
                                            {"insee_code", "23096"},
                                            {"capacity", capacity}}
                                           .dump(),
                                       "application/json");
  if (!r || r->status != 201) throw std::runtime_error(r ? r->body : "no answer");
  return body(r)["id"];
}

}  // namespace

TEST(ApiNetwork, ThirtyTwoConcurrentRegistrationsForTenSeats) {
  auto id = make_event(10);
  std::vector<std::thread> threads;
  std::vector<std::pair<int, std::string>> answers(32);
  for (int i = 0; i < 32; ++i)
    threads.emplace_back([&, i] {
      httplib::Client h("127.0.0.1", world().server->port());
      auto r = h.Post(fmt::format("/api/v1/events/{}/registrations", id),
                      {{"X-Forwarded-For", fmt::format("203.0.113.{}", i)}},
                      json{{"name", fmt::format("Personne {}", i)},
                           {"email", fmt::format("p{}@maillage.test", i)},
                           {"organisation", "Commune"},
                           {"consent", true}}
                          .dump(),
                      "application/json");
      answers[i] = {r ? r->status : -1, r ? r->body : ""};
    });
  for (auto& t : threads) t.join();
  int registered = 0, waiting = 0;
  std::string first_waiting_key;
  for (auto& [status, b] : answers) {
    ASSERT_EQ(status, 201) << b;
    auto j = json::parse(b);
    (j["status"] == "registered" ? registered : waiting)++;
  }
  EXPECT_EQ(registered, 10);
  EXPECT_EQ(waiting, 22);
  // The waiting list is in the order of arrival: positions 1 ... 22, each once.
  auto regs =
      body(world().server->http().Get(fmt::format("/api/v1/events/{}/registrations", id), bearer(world().editor)));
  std::vector<int> positions;
  int64_t last_id = 0;
  for (auto& r : regs["items"]) {
    EXPECT_GT(r["id"].get<int64_t>(), last_id);
    last_id = r["id"];
    if (r["status"] == "waiting") positions.push_back(r["waiting_position"]);
  }
  ASSERT_EQ(positions.size(), 22u);
  for (int i = 0; i < 22; ++i) EXPECT_EQ(positions[i], i + 1);
  // A cancellation promotes the first waiting person, who is told by mail.
  std::string registered_key, first_waiting_email;
  for (auto& [status, b] : answers) {
    auto j = json::parse(b);
    if (j["status"] == "registered" && registered_key.empty()) registered_key = j["key"];
  }
  for (auto& r : regs["items"])
    if (r["status"] == "waiting" && r["waiting_position"] == 1) first_waiting_email = r["email"];
  auto c = world().server->http().Post("/api/v1/registrations/cancel", json{{"key", registered_key}}.dump(),
                                       "application/json");
  ASSERT_EQ(c->status, 200) << c->body;
  EXPECT_TRUE(body(c)["promoted"].get<bool>());
  auto ev = body(world().server->http().Get(fmt::format("/api/v1/events/{}", id)));
  EXPECT_EQ(ev["registered"], 10);
  EXPECT_EQ(ev["waiting"], 21);
  EXPECT_FALSE(world().sink.wait_for(first_waiting_email, "event_promoted").is_null()) << world().server->log();
  // CSV of the registrations, and the public calendar.
  // Hostile input is a 400 naming the field, and registers nobody.
  auto hostile = [&](const std::string& path, const std::string& b, const std::string& token = {}) {
    httplib::Headers hs{{"X-Forwarded-For", "198.51.100.66"}};
    if (!token.empty()) hs.emplace("Authorization", "Bearer " + token);
    return world().server->http().Post(path, hs, b, "application/json");
  };
  auto reg = fmt::format("/api/v1/events/{}/registrations", id);
  auto r1 = hostile(reg, R"({"name":"A","email":"pas une adresse","consent":true})");
  EXPECT_EQ(r1->status, 400);
  EXPECT_EQ(body(r1)["field"], "email");
  auto r2 = hostile(reg, R"({"name":"A\u0007","email":"a@maillage.test","consent":true})");
  EXPECT_EQ(r2->status, 400);
  EXPECT_EQ(body(r2)["field"], "name");
  auto r3 = hostile("/api/v1/events",
                    R"({"title":"T","starts_at":"2030-01-01T09:00","ends_at":"2030-01-01T10:00",)"
                    R"("insee_code":"23096","capacity":1e999})",
                    world().editor);
  EXPECT_EQ(r3->status, 400);
  EXPECT_EQ(body(hostile("/api/v1/events",
                         R"({"title":"T","starts_at":"2030-13-01T09:00","ends_at":"2030-01-01T10:00",)"
                         R"("insee_code":"23096","capacity":5})",
                         world().editor))["field"],
            "starts_at");
  EXPECT_EQ(body(world().server->http().Get(fmt::format("/api/v1/events/{}", id)))["waiting"], 21);
  // One address registers at most --registrations-per-hour people an hour (3 here).
  auto again = [&](int i) {
    return world().server->http().Post(
        fmt::format("/api/v1/events/{}/registrations", id), {{"X-Forwarded-For", "198.51.100.77"}},
        json{{"name", "N"}, {"email", fmt::format("n{}@maillage.test", i)}, {"consent", true}}.dump(),
        "application/json");
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(again(i)->status, 201);
  EXPECT_EQ(again(3)->status, 429);
  auto csv =
      world().server->http().Get(fmt::format("/api/v1/events/{}/registrations?format=csv", id), bearer(world().editor));
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->body.find("p0@maillage.test"), std::string::npos);
  auto ics = world().server->http().Get("/api/v1/events.ics");
  EXPECT_NE(ics->body.find("BEGIN:VEVENT"), std::string::npos);
}

TEST(ApiNetwork, OnlyEditorsSeeAndChangeContacts) {
  auto& h = world().server->http();
  auto add = h.Post("/api/v1/contacts", bearer(world().editor),
                    json{{"first_name", "Anne"},
                         {"last_name", "Martin"},
                         {"email", "anne.martin@maillage.test"},
                         {"insee_code", "Aubusson"},
                         {"tags", {"élus"}}}
                        .dump(),
                    "application/json");
  ASSERT_EQ(add->status, 201) << add->body;
  auto id = body(add)["id"].get<int64_t>();
  EXPECT_EQ(h.Get("/api/v1/contacts")->status, 401);
  EXPECT_EQ(h.Get("/api/v1/contacts", bearer(world().member))->status, 403);
  EXPECT_EQ(h.Get(fmt::format("/api/v1/contacts/{}", id))->status, 401);
  EXPECT_EQ(h.Post("/api/v1/contacts", bearer(world().member), "{}", "application/json")->status, 403);
  EXPECT_EQ(h.Get("/api/v1/contacts.csv")->status, 401);
  auto list = body(h.Get("/api/v1/contacts?tag=%C3%A9lus", bearer(world().editor)));
  EXPECT_EQ(list["total"], 1);
  auto bad = h.Post("/api/v1/contacts", bearer(world().editor), json{{"last_name", "X"}, {"email", "nope"}}.dump(),
                    "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body(bad)["field"], "email");
  // The invitation list of an event in Guéret within 60 minutes holds Aubusson (about 40 min), with its time.
  auto ev = make_event(30);
  auto inv = body(h.Get(fmt::format("/api/v1/events/{}/invitations?minutes=60", ev), bearer(world().editor)));
  ASSERT_GE(inv["items"].size(), 1u);
  EXPECT_EQ(inv["items"][0]["email"], "anne.martin@maillage.test");
  EXPECT_GT(inv["items"][0]["minutes"].get<double>(), 10);
  auto near = body(h.Get(fmt::format("/api/v1/events/{}/invitations?minutes=5", ev), bearer(world().editor)));
  EXPECT_TRUE(near["items"].empty());
  EXPECT_EQ(h.Get(fmt::format("/api/v1/events/{}/invitations", ev))->status, 401);
  auto gaps = body(h.Get("/api/v1/events/gaps?minutes=30", bearer(world().editor)));
  EXPECT_GT(gaps["uncovered_share"].get<double>(), 0.5);
  // GDPR over HTTP.
  auto pd = body(h.Get(fmt::format("/api/v1/contacts/{}/personal-data", id), bearer(world().editor)));
  EXPECT_EQ(pd["contact"]["last_name"], "Martin");
  auto er = h.Post(fmt::format("/api/v1/contacts/{}/erase", id), bearer(world().editor), "", "application/json");
  ASSERT_EQ(er->status, 200) << er->body;
  EXPECT_EQ(body(h.Get(fmt::format("/api/v1/contacts/{}", id), bearer(world().editor)))["last_name"], "");
}

TEST(ApiNetwork, ThePlaceThatHasNotSignedTheCharterIsNotEligibleForDevelopment) {
  auto& h = world().server->http();
  auto a = h.Post("/api/v1/charter", bearer(world().editor),
                  json{{"version", "2026"}, {"adopted_on", "2026-01-01"}, {"text", "Charte du réseau."}}.dump(),
                  "application/json");
  ASSERT_EQ(a->status, 201) << a->body;
  EXPECT_EQ(body(h.Get("/api/v1/charter"))["in_force"], "2026");
  auto place = body(h.Get("/api/v1/places?limit=1&status=open&q=Quincaillerie"))["items"][0];
  std::string id = place["id"];
  auto v = body(h.Get("/api/v1/eligibility/development?place=" + id));
  EXPECT_EQ(v["verdict"], "not_eligible");
  EXPECT_NE(v["reason"].get<std::string>().find("charte"), std::string::npos) << v.dump();
  // Signed, the five criteria stated: listed, shown on the sheet and filterable.
  auto s = h.Post("/api/v1/places/" + id + "/charter", bearer(world().editor),
                  json{{"signatory", "Anne Martin"}}.dump(), "application/json");
  ASSERT_EQ(s->status, 200) << s->body;
  EXPECT_FALSE(body(s)["listed"].get<bool>());
  auto crit = json{{"criterion_open_to_all", "yes"},
                   {"criterion_flexible", "yes"},
                   {"criterion_broadband", "yes"},
                   {"criterion_human_welcome", "yes"},
                   {"criterion_collective_governance", "yes"}};
  ASSERT_EQ(h.Patch("/api/v1/places/" + id, bearer(world().editor), crit.dump(), "application/json")->status, 200);
  auto sheet = body(h.Get("/api/v1/places/" + id));
  EXPECT_TRUE(sheet["listed"].get<bool>());
  EXPECT_EQ(sheet["listing"]["criteria"][2]["value"], "yes");
  EXPECT_NE(sheet["listing"]["criteria"][2]["said_by"].get<std::string>().find("token:"), std::string::npos);
  auto listed = body(h.Get("/api/v1/places?listed=true"));
  EXPECT_EQ(listed["total"], 1);
  EXPECT_EQ(h.Get("/api/v1/places?listed=peut-etre")->status, 400);
  auto after = body(h.Get("/api/v1/eligibility/development?place=" + id));
  for (auto& c : after["criteria"])
    if (c["name"] == "listed") {
      EXPECT_EQ(c["verdict"], "met");
    }
  // Only the place's managers and the network sign for it.
  EXPECT_EQ(h.Post("/api/v1/places/" + id + "/charter", bearer(world().member), json{{"signatory", "X"}}.dump(),
                   "application/json")
                ->status,
            403);
}

TEST(ApiNetwork, ResourcesForThePublicAndForMembersAndTheCensus) {
  auto& h = world().server->http();
  auto pub = h.Post("/api/v1/resources", bearer(world().editor),
                    json{{"title", "Guide : piloter un tiers-lieu"},
                         {"summary", "Gouvernance et modèle économique"},
                         {"themes", "gestion"}}
                        .dump(),
                    "application/json");
  ASSERT_EQ(pub->status, 201) << pub->body;
  auto pid = body(pub)["id"].get<int64_t>();
  auto up = h.Post(fmt::format("/api/v1/resources/{}/versions?filename=guide.txt", pid), bearer(world().editor),
                   "Le budget prévisionnel et les subventions de fonctionnement.", "application/octet-stream");
  ASSERT_EQ(up->status, 201) << up->body;
  EXPECT_EQ(body(up)["content_type"], "text/plain");
  auto mem = h.Post("/api/v1/resources", bearer(world().editor),
                    json{{"title", "Modèle de statuts de SCIC"}, {"audience", "members"}}.dump(), "application/json");
  auto mid = body(mem)["id"].get<int64_t>();
  // Anonymous: never the members-only one, in a list, a search, a sheet or a download.
  auto anon = body(h.Get("/api/v1/resources?q=statuts"));
  EXPECT_TRUE(anon["items"].empty());
  EXPECT_EQ(h.Get(fmt::format("/api/v1/resources/{}", mid))->status, 404);
  EXPECT_EQ(h.Get(fmt::format("/api/v1/resources/{}/file", mid))->status, 404);
  // A member sees it.
  auto seen = body(h.Get("/api/v1/resources?q=statuts", bearer(world().member)));
  ASSERT_EQ(seen["items"].size(), 1u);
  EXPECT_EQ(seen["items"][0]["id"], mid);
  // A word of the file's text, in another form, finds the public guide; the file comes with its type.
  auto found = body(h.Get("/api/v1/resources?q=subvention"));
  ASSERT_EQ(found["items"].size(), 1u);
  auto f = h.Get(fmt::format("/api/v1/resources/{}/file", pid));
  EXPECT_EQ(f->status, 200);
  EXPECT_EQ(f->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(f->get_header_value("Content-Disposition").find("guide.txt"), std::string::npos);
  // Uploads are for editors; a refused type names the file.
  EXPECT_EQ(
      h.Post(fmt::format("/api/v1/resources/{}/versions", pid), bearer(world().member), "x", "text/plain")->status,
      403);
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  elf.resize(100, '\0');
  auto refused = h.Post(fmt::format("/api/v1/resources/{}/versions", pid), bearer(world().editor), elf,
                        "application/octet-stream");
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(body(refused)["field"], "file");
  // Members of the network and their census (public, aggregated).
  auto place = body(h.Get("/api/v1/places?limit=1&department=23"))["items"][0]["id"].get<std::string>();
  ASSERT_EQ(h.Post("/api/v1/members", bearer(world().editor),
                   json{{"place_id", place}, {"year", 2026}, {"fee_paid", true}}.dump(), "application/json")
                ->status,
            201);
  EXPECT_EQ(h.Post("/api/v1/members", json{{"place_id", place}, {"year", 2026}}.dump(), "application/json")->status,
            401);
  auto census = body(h.Get("/api/v1/members/census?year=2026"));
  EXPECT_EQ(census["places"], 1);
  EXPECT_EQ(census["by_department"]["23"], 1);
}
