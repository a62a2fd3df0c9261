// Public contributions over HTTP, on the real server with a real SMTP sink: an anonymous proposal changes nothing
// public until an editor accepts it, the history names the contribution, its contributor and the moderator,
// likely duplicates are flagged, the 11th proposal of the hour from one address is refused, the honeypot, the
// follow-up link, the managers' yearly confirmation and the data-quality report.
#include <cstdlib>

#include "mail/smtp_sink.hpp"
#include "server_process.hpp"

using maillage::test::body;
using maillage::test::Server;
using maillage::test::SmtpSink;
using nlohmann::json;

namespace {

struct World {
  SmtpSink sink{maillage::test::free_port()};
  std::unique_ptr<Server> server;
  std::string editor;
  World() {
    sink.use_for_servers();
    server = std::make_unique<Server>(std::vector<std::string>{"--mail-interval", "0.2", "--behind-proxy"});
    maillage::test::TempDir d;
    auto pw = d.write("pw", "le-mot-de-passe-moderation\n");
    server->cli(
        "users add --email moderation@maillage.test --name 'Marie Modération' --role editor --password-stdin < " + pw);
    editor = server->token("--role editor --label 'équipe du réseau'");
  }
};
World& world() {
  static World w;
  return w;
}

// Each test speaks from its own client address (the server is behind a proxy), so the rate limits stay apart.
httplib::Result propose(const json& b, const std::string& from) {
  return world().server->http().Post("/api/v1/contributions", {{"X-Forwarded-For", from}}, b.dump(),
                                     "application/json");
}
httplib::Result as_editor_get(const std::string& path) {
  return world().server->http().Get("/api/v1" + path, {{"Authorization", "Bearer " + world().editor}});
}
httplib::Result as_editor_post(const std::string& path, const json& b) {
  return world().server->http().Post("/api/v1" + path, {{"Authorization", "Bearer " + world().editor}}, b.dump(),
                                     "application/json");
}
json new_place(const std::string& name, const std::string& commune) {
  return {{"kind", "new"},
          {"fields", {{"name", name}, {"commune", commune}, {"types", {"coworking"}}, {"seats_dropin", 8}}},
          {"comment", "Ouvert depuis septembre, <b>12 postes</b>."},
          {"contributor_name", "Anne Contributrice"},
          {"contributor_email", "anne@maillage.test"},
          {"consent", true}};
}
int64_t total(const std::string& query) {
  return body(world().server->http().Get("/api/v1/places?q=" + query))["total"];
}

}  // namespace

TEST(ApiContributions, AnAnonymousProposalWaitsForAModeratorAndTheHistoryNamesThem) {
  auto& h = world().server->http();
  auto rev = body(h.Get("/api/v1/places?limit=1"))["registry_revision"];
  auto r = propose(new_place("La Grange Numérique", "Ruffec"), "198.51.100.1");
  ASSERT_EQ(r->status, 201) << r->body;
  auto c = body(r);
  EXPECT_EQ(c["status"], "pending");
  ASSERT_TRUE(c["follow_url"].get<std::string>().starts_with("http://maillage.test/#contribution/"));
  EXPECT_FALSE(c.contains("contributor"));  // the visitor's own answer does not echo personal data
  // Nothing public changed.
  EXPECT_EQ(body(h.Get("/api/v1/places?limit=1"))["registry_revision"], rev);
  EXPECT_EQ(total("Grange%20Numerique"), 0);
  // The contributor is told, with the private link; the moderators are told.
  auto ack = world().sink.wait_for("anne@maillage.test", "contribution_acknowledged");
  ASSERT_FALSE(ack.is_null()) << world().server->log();
  EXPECT_NE(ack["text"].get<std::string>().find(c["follow_url"].get<std::string>()), std::string::npos);
  EXPECT_FALSE(world().sink.wait_for("moderation@maillage.test", "contribution_received").is_null());
  // The follow-up link tells the status; the moderation queue needs an editor.
  auto f = h.Post("/api/v1/contributions/follow", json{{"key", c["key"]}}.dump(), "application/json");
  ASSERT_EQ(f->status, 200) << f->body;
  EXPECT_EQ(body(f)["status"], "pending");
  EXPECT_EQ(h.Get("/api/v1/contributions")->status, 401);
  auto queue = body(as_editor_get("/contributions?status=pending"));
  EXPECT_GE(queue["counts"]["pending"].get<int>(), 1);
  auto id = c["id"].get<int64_t>();
  auto one = body(as_editor_get("/contributions/" + std::to_string(id)));
  EXPECT_EQ(one["contributor"]["email"], "anne@maillage.test");
  EXPECT_EQ(one["comment"], "Ouvert depuis septembre, <b>12 postes</b>.");  // stored as text, shown as text
  // Accepted (with the moderator's change): the place appears, its history names both.
  auto a = as_editor_post("/contributions/" + std::to_string(id) + "/accept",
                          {{"changes", {{"website", "https://grange.example"}}}});
  ASSERT_EQ(a->status, 200) << a->body;
  EXPECT_EQ(total("Grange%20Numerique"), 1);
  auto place_id = body(a)["result_place_id"].get<std::string>();
  auto sheet = body(h.Get("/api/v1/places/" + place_id, {{"Authorization", "Bearer " + world().editor}}));
  EXPECT_EQ(sheet["website"], "https://grange.example");
  ASSERT_EQ(sheet["history"].size(), 1u);
  auto origin = sheet["history"][0]["origin"].get<std::string>();
  EXPECT_TRUE(origin.starts_with("contribution n° " + std::to_string(id) + " acceptée par token:")) << origin;
  EXPECT_TRUE(origin.ends_with(" (équipe du réseau)")) << origin;
  EXPECT_EQ(sheet["history"][0]["contributor"], "Anne Contributrice");
  // The public sees the contribution's number, not the contributor's name.
  auto pub = body(h.Get("/api/v1/places/" + place_id));
  EXPECT_FALSE(pub["history"][0].contains("contributor"));
  EXPECT_EQ(pub["history"][0]["contribution"], id);
  EXPECT_FALSE(world().sink.wait_for("anne@maillage.test", "contribution_decided").is_null());
  // Decided once.
  EXPECT_EQ(as_editor_post("/contributions/" + std::to_string(id) + "/accept", json::object())->status, 409);
}

TEST(ApiContributions, AnExistingNameInTheSameCommuneIsFlaggedDuplicate) {
  // "Le Chai 2.0" is listed in Marsas (bundled data).
  auto r = propose(new_place("Le Chai 2.0", "Marsas"), "198.51.100.2");
  ASSERT_EQ(r->status, 201) << r->body;
  auto c = body(r);
  EXPECT_TRUE(c["likely_duplicate"].get<bool>());
  ASSERT_GE(c["candidates"].size(), 1u);
  auto existing = c["candidates"][0]["place_id"].get<std::string>();
  EXPECT_EQ(c["candidates"][0]["name"], "Le Chai 2.0");
  auto id = std::to_string(c["id"].get<int64_t>());
  auto one = body(as_editor_get("/contributions/" + id));
  EXPECT_EQ(one["against"], existing);  // compared with the likely duplicate, field by field
  EXPECT_FALSE(one["diff"].empty());
  // Accepting it as a new place is a conflict; merging fills what the place lacked.
  auto a = as_editor_post("/contributions/" + id + "/accept", json::object());
  EXPECT_EQ(a->status, 409) << a->body;
  EXPECT_EQ(body(a)["field"], "distinct");
  auto m = as_editor_post("/contributions/" + id + "/merge", {{"place_id", existing}});
  ASSERT_EQ(m->status, 200) << m->body;
  EXPECT_EQ(body(m)["status"], "duplicate");
  EXPECT_EQ(body(m)["place"]["seats_dropin"], 8);
}

TEST(ApiContributions, TheEleventhProposalOfTheHourFromOneAddressIsRefused) {
  // Proposals refused for their content do not count: five mistakes still leave ten proposals.
  for (int i = 0; i < 5; ++i) {
    auto wrong = new_place("Essai sans consentement", "Niort");
    wrong["consent"] = false;
    auto r = propose(wrong, "198.51.100.3");
    ASSERT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(body(r)["code"], "field_invalid");
  }
  for (int i = 0; i < 10; ++i) {
    auto r = propose(new_place("Essai " + std::to_string(i), "Niort"), "198.51.100.3");
    ASSERT_EQ(r->status, 201) << i << ": " << r->body;
  }
  auto r = propose(new_place("Essai 10", "Niort"), "198.51.100.3");
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "3600");
  EXPECT_EQ(body(r)["code"], "too_many_requests");
  // Another address is not affected.
  EXPECT_EQ(propose(new_place("Essai 11", "Niort"), "198.51.100.4")->status, 201);
}

TEST(ApiContributions, HostileProposalsAreRefusedNamingTheFieldOrSilentlyDropped) {
  auto from = "198.51.100.5";
  auto p = new_place("Le Fournil", "Melle");
  p["consent"] = false;
  auto r = propose(p, from);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "consent");
  p = new_place("Le Fournil", "Melle");
  p["fields"]["lat"] = "NaN";
  r = propose(p, from);
  EXPECT_EQ(body(r)["field"], "lat") << r->body;
  p = new_place("Le Fournil", "Melle");
  p["fields"]["contact_email"] = "x@example.org";
  EXPECT_EQ(body(propose(p, from))["field"], "contact_email");
  p = new_place("Le Fournil", "Melle");
  p["comment"] = std::string(17000, 'x');
  EXPECT_EQ(propose(p, from)->status, 413);
  // The honeypot: answered, stored nowhere.
  auto before = body(as_editor_get("/contributions?limit=1"))["total"].get<int>();
  p = new_place("Robot", "Melle");
  p["homepage"] = "http://spam.example";
  EXPECT_EQ(propose(p, "198.51.100.6")->status, 202);
  EXPECT_EQ(body(as_editor_get("/contributions?limit=1"))["total"].get<int>(), before);
}

TEST(ApiContributions, TheContributorWithdrawsAndTheManagerConfirmsTheSheet) {
  auto& h = world().server->http();
  auto c = body(propose(new_place("Le Fournil", "Melle"), "198.51.100.7"));
  auto w = h.Post("/api/v1/contributions/withdraw", json{{"key", c["key"]}}.dump(), "application/json");
  ASSERT_EQ(w->status, 200) << w->body;
  EXPECT_EQ(body(w)["status"], "withdrawn");
  EXPECT_EQ(h.Post("/api/v1/contributions/follow", json{{"key", "nope"}}.dump(), "application/json")->status, 404);
  // A manager confirms their sheet in one request; another place is not theirs.
  auto places = body(h.Get("/api/v1/places?limit=2"))["items"];
  std::string mine = places[0]["id"], other = places[1]["id"];
  auto tok = world().server->token("--role manager --place " + mine + " --label gérante");
  EXPECT_TRUE(body(h.Get("/api/v1/places/" + mine))["confirmation_due"].get<bool>());
  auto ok = h.Post("/api/v1/places/" + mine + "/confirm", {{"Authorization", "Bearer " + tok}}, "", "application/json");
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_FALSE(body(h.Get("/api/v1/places/" + mine))["confirmation_due"].get<bool>());
  EXPECT_EQ(h.Post("/api/v1/places/" + other + "/confirm", {{"Authorization", "Bearer " + tok}}, "", "application/json")
                ->status,
            403);
  // The quality report counts it, and shows the departments far below their published counts.
  auto q = body(h.Get("/api/v1/quality"));
  EXPECT_EQ(q["departments"].size(), 12u);
  EXPECT_GE(q["region"]["counts"]["confirmed_12_months"].get<int>(), 1);
  for (auto& d : q["departments"])
    if (d["department"] == "16") {
      EXPECT_TRUE(d["far_below_published"].get<bool>());
      EXPECT_EQ(d["published"]["value"], 35);
    }
}
