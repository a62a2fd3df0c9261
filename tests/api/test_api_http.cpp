// The JSON API over real HTTP: `maillage serve` started as a process on the bundled data (fresh database and
// graph in a temporary folder), requests with cpp-httplib's client. Access rules, error shapes and statuses,
// writes with tokens, limits, the OpenAPI document against the routes served, and a clean stop on SIGTERM.
#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/service.hpp"
#include "helpers.hpp"
#include "server_process.hpp"
#include "api/router.hpp"

extern char** environ;
using maillage::test::body;
using maillage::test::run_cli;
using maillage::test::TempDir;
using nlohmann::json;

namespace {
using maillage::test::Server;

Server& server() {
  static Server s;
  return s;
}
httplib::Headers bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }
std::string token(const std::string& role) { return server().token("--role " + role + " --label test"); }
}  // namespace

TEST(ApiHttp, ReadsArePublicAndFiltered) {
  auto& h = server().http();
  auto all = h.Get("/api/v1/places?limit=500");
  ASSERT_EQ(all->status, 200);
  auto j = body(all);
  EXPECT_EQ(j["items"].size(), j["total"].get<size_t>());
  auto g = body(h.Get("/api/v1/places?department=33&limit=5&offset=2"));
  EXPECT_LT(g["total"].get<int>(), j["total"].get<int>());
  EXPECT_LE(g["items"].size(), 5u);
  // Any page is the slice of the full list.
  for (auto [limit, offset] : {std::pair{7, 11}, {1, 0}, {50, 150}, {3, 10000}}) {
    auto page = body(h.Get(fmt::format("/api/v1/places?limit={}&offset={}", limit, offset)));
    EXPECT_EQ(page["total"], j["total"]);
    ASSERT_EQ(page["items"].size(),
              std::min<size_t>(limit, j["items"].size() - std::min<size_t>(offset, j["items"].size())));
    for (size_t i = 0; i < page["items"].size(); ++i) EXPECT_EQ(page["items"][i], j["items"][offset + i]);
  }
  for (auto& p : g["items"]) {
    EXPECT_EQ(p["insee_code"].get<std::string>().substr(0, 2), "33");
    EXPECT_FALSE(p.contains("contact_email")) << "private contact fields are hidden from anonymous reads";
  }
  auto one = h.Get("/api/v1/places/" + j["items"][0]["id"].get<std::string>());
  ASSERT_EQ(one->status, 200);
  EXPECT_TRUE(body(one).contains("history"));
  auto csv = h.Get("/api/v1/places.csv?department=33");
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->get_header_value("Content-Disposition").find("tiers-lieux.csv"), std::string::npos);
  auto gj = body(h.Get("/api/v1/places.geojson?department=33"));
  EXPECT_EQ(gj["features"].size(), g["total"].get<size_t>());
}

TEST(ApiHttp, ErrorsNameTheFieldWithTheRightStatus) {
  auto& h = server().http();
  auto r = h.Get("/api/v1/places?limit=100000");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "limit");  // list sizes are capped
  r = h.Get("/api/v1/places?department=75");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "department");
  r = h.Get("/api/v1/places?colour=red");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "colour");
  r = h.Get("/api/v1/places/nope");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(body(r)["code"], "place_not_found");
  r = h.Get("/api/v1/nowhere");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(body(r)["code"], "route_not_found");
  r = h.Get("/api/v1/eligibility/creation?lon=500&lat=45");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "lon");
  EXPECT_EQ(h.Post("/api/v1/places", "{}", "application/json")->status, 401);
  EXPECT_EQ(h.Post("/api/v1/places", bearer("mlg_forged_token_value"), "{}", "application/json")->status, 401);
  EXPECT_EQ(h.Delete("/api/v1/places")->status, 405);
}

// Every error is a code of the catalogue with its status (issue #29): one request per code that a plain server
// can produce; the library codes are asserted in the libraries' tests, the server's own in Hardening.
TEST(ApiHttp, EachErrorHasItsCodeAndStatus) {
  auto& h = server().http();
  auto editor = bearer(token("editor")), admin = bearer(token("admin"));
  auto place = body(h.Get("/api/v1/places?limit=1&status=open"))["items"][0]["id"].get<std::string>();
  auto post = [&](const std::string& path, const httplib::Headers& hd, const std::string& b) {
    return h.Post(("/api/v1" + path).c_str(), hd, b, "application/json");
  };
  auto get = [&](const std::string& path, const httplib::Headers& hd = {}) {
    return h.Get(("/api/v1" + path).c_str(), hd);
  };
  // The code is the one expected, and the OpenAPI document lists it for the route (x-error-codes) or for every
  // route (x-every-route).
  auto doc = json::parse(maillage::api::openapi_text());
  auto expect = [&](const std::string& method, const std::string& path, const httplib::Result& r, int status,
                    const std::string& code, const std::string& what) {
    ASSERT_TRUE(r) << what;
    if (status >= 400) {
      auto m = maillage::api::router().match(method, path.substr(0, path.find('?')));
      json listed = doc["components"]["schemas"]["Error"]["x-every-route"];
      if (m.route) {
        std::string lower = method;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(ch));
        for (auto& c : doc["paths"][m.route->pattern][lower]["x-error-codes"]) listed.push_back(c);
      }
      EXPECT_NE(std::find(listed.begin(), listed.end(), json(code)), listed.end())
          << code << " is not documented for " << method << ' ' << path;
    }
    EXPECT_EQ(r->status, status) << what << ": " << r->body.substr(0, 300);
    if (status < 400) return;
    auto j = json::parse(r->body);
    EXPECT_EQ(j["code"], code) << what;
    EXPECT_FALSE(j["message"].get<std::string>().empty()) << what;
  };
  expect("GET", "/coverage?weeks=nan", get("/coverage?weeks=nan"), 400, "field_invalid", "a number that is not one");
  expect("GET", "/coverage/cells.geojson?weeks=1e999", get("/coverage/cells.geojson?weeks=1e999"), 400, "field_invalid",
         "the probe: weeks=1e999 without part_time");
  expect("GET", "/coverage/cells.geojson?week=nan&weeks=abc", get("/coverage/cells.geojson?week=nan&weeks=abc"), 400,
         "field_invalid", "the probe: weeks=abc");
  expect("GET", "/places?colour=red", get("/places?colour=red"), 400, "unknown_parameter", "a misspelt filter");
  expect("GET", "/eligibility/development", get("/eligibility/development"), 400, "field_missing",
         "a required parameter");
  expect("GET", "/places?q=a%01b", get("/places?q=a%01b"), 400, "bad_text", "a control character");
  expect("POST", "/places", post("/places", editor, "{"), 400, "bad_json", "not JSON");
  expect("DELETE", "/auth/session", h.Delete("/api/v1/auth/session", editor), 400, "input_refused",
         "a token has no session");
  expect("GET", "/users", get("/users"), 401, "unauthorized", "no token");
  expect("GET", "/users", get("/users", editor), 403, "forbidden", "an editor on an admin route");
  auto from = [&](const std::string& origin) {
    auto hd = editor;
    hd.emplace("Origin", origin);
    return post("/places", hd, "{}");
  };
  expect("POST", "/places", from("https://evil.example"), 403, "cross_origin", "another site");
  expect("POST", "/places", from("null"), 403, "cross_origin", "Origin: null is foreign too");
  expect("DELETE", "/places", h.Delete("/api/v1/places"), 405, "method_not_allowed", "DELETE on a list");
  expect("GET", "/nowhere", get("/nowhere"), 404, "route_not_found", "no route");
  expect("GET", "/places/nope", get("/places/nope"), 404, "place_not_found", "a place");
  expect("GET", "/contacts/abc", get("/contacts/abc", editor), 404, "contact_not_found", "a contact");
  expect("GET", "/events/999999", get("/events/999999"), 404, "event_not_found", "an event");
  expect("POST", "/registrations/lookup", post("/registrations/lookup", {}, R"({"key": "nope"})"), 404,
         "registration_not_found", "a registration");
  expect("GET", "/resources/999999", get("/resources/999999"), 404, "resource_not_found", "a resource");
  expect("GET", "/bookings/abc", get("/bookings/abc", admin), 404, "booking_not_found", "a booking");
  expect("GET", "/contributions/abc", get("/contributions/abc", editor), 404, "contribution_not_found",
         "a contribution");
  expect("GET", "/applications/abc", get("/applications/abc", editor), 404, "application_not_found", "an application");
  expect("GET", "/scenarios/999999", get("/scenarios/999999", editor), 404, "scenario_not_found", "a scenario");
  expect("GET", "/places/" + place + "/timetable", get("/places/" + place + "/timetable"), 404, "timetable_not_found",
         "a fixed place's timetable");
  expect("PATCH", "/users/abc", h.Patch("/api/v1/users/abc", admin, "{}", "application/json"), 404, "account_not_found",
         "an account");
  expect("POST", "/tokens/abc/revoke", post("/tokens/abc/revoke", admin, ""), 404, "token_not_found", "a token");
  expect("POST", "/mail/outbox/abc/retry", post("/mail/outbox/abc/retry", admin, ""), 404, "message_not_found",
         "a message");
  expect(
      "POST", "/users/invitations",
      post("/users/invitations", admin, R"({"email": "codes@example.org", "display_name": "C", "roles": ["editor"]})"),
      201, "", "first invitation");
  expect(
      "POST", "/users/invitations",
      post("/users/invitations", admin, R"({"email": "codes@example.org", "display_name": "C", "roles": ["editor"]})"),
      409, "email_taken", "the same address again");
  expect("POST", "/places", post("/places", editor, R"({"name": "X", "insee_code": "19272", "staff_fte": -2})"), 422,
         "place_invalid", "a place the validator refuses");
  expect("POST", "/places", post("/places", editor, std::string(2 << 20, ' ')), 413, "too_large", "a body over 1 MiB");
  // A detail quotes at most a short excerpt of what was sent.
  auto r = get("/places?q=" + std::string(1000, 'x') + "%01");
  ASSERT_TRUE(r);
  EXPECT_LT(r->body.size(), 700u) << r->body.size();
}

// One shape per resource (issue #29): the CLI's `places list --json` and GET /places give the same JSON for the
// same filter, private fields included when asked.
TEST(ApiHttp, TheCliAndTheApiListPlacesInTheSameJson) {
  auto& s = server();
  auto cli = json::parse(s.cli("places list --json --department 23 --type hybride --limit 5 --offset 1"));
  auto api = body(s.http().Get("/api/v1/places?department=23&type=hybride&limit=5&offset=1"));
  EXPECT_EQ(cli, api);
  EXPECT_GT(api["items"].size(), 0u);
  auto cli_private = json::parse(s.cli("places list --json --department 23 --limit 3 --include-private"));
  auto api_private = body(s.http().Get("/api/v1/places?department=23&limit=3", bearer(token("editor"))));
  EXPECT_EQ(cli_private, api_private);
}

TEST(ApiHttp, WritesNeedATokenAndAreValidated) {
  auto& h = server().http();
  auto editor = token("editor");
  auto create = [&](const std::string& b) { return h.Post("/api/v1/places", bearer(editor), b, "application/json"); };
  auto r = create(R"({"name": "Tiers-lieu d'essai API", "insee_code": "19272", "types": ["coworking"], "status": "open",
                      "opening_date": "2020-03-01", "staff_fte": 1.5, "contact_email": "contact@example.org"})");
  ASSERT_EQ(r->status, 201) << r->body;
  auto id = body(r)["place"]["id"].get<std::string>();
  EXPECT_EQ(body(r)["place"]["contact_email"], "contact@example.org");  // a token holder sees private fields
  EXPECT_FALSE(body(h.Get("/api/v1/places/" + id)).contains("contact_email"));
  // The list sees the new revision at once, with the private fields for the token holder only.
  auto in_list = [&](const httplib::Headers& hd) {
    auto page = body(h.Get("/api/v1/places?q=essai", hd));
    for (auto& p : page["items"])
      if (p["id"] == id) return p;
    return json();
  };
  EXPECT_EQ(in_list({}).value("contact_email", "hidden"), "hidden");
  EXPECT_EQ(in_list(bearer(editor)).value("contact_email", ""), "contact@example.org");
  r = create(R"({"name": "Tiers-lieu d'essai API", "insee_code": "19272"})");  // the same place again
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(body(r)["code"], "place_exists");
  r = create(R"({"name": "X", "insee_code": "19272", "staff_fte": -2})");
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(body(r)["field"], "staff_fte");
  r = create(R"({"name": "X", "insee_code": "19272", "favourite_colour": "blue"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "favourite_colour");
  EXPECT_EQ(create("not json")->status, 400);
  EXPECT_EQ(create(std::string(2 << 20, ' '))->status, 413);
  // Update and close; the history keeps each step.
  r = h.Patch("/api/v1/places/" + id, bearer(editor), R"({"staff_fte": 2})", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["place"]["staff_fte"], 2.0);
  r = h.Post("/api/v1/places/" + id + "/close", bearer(editor), R"({"date": "2026-01-31", "reason": "test"})",
             "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["place"]["status"], "closed");
  EXPECT_EQ(body(h.Get("/api/v1/places/" + id))["history"].size(), 3u);
  // Applications: an editor may not accept; an admin may. A revoked token no longer works.
  r = h.Post("/api/v1/applications", bearer(editor),
             R"({"kind": "creation", "applicant": "Commune", "project": "P", "commune": "23096"})", "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  auto app = std::to_string(body(r)["id"].get<int64_t>());
  r = h.Post("/api/v1/applications/" + app + "/accept", bearer(editor), "", "application/json");
  EXPECT_EQ(r->status, 403);
  auto admin = token("admin");
  r = h.Post("/api/v1/applications/" + app + "/accept", bearer(admin), "", "application/json");
  EXPECT_EQ(r->status, 409) << r->body;       // a draft cannot be accepted
  auto listed = server().cli("tokens list");  // by id: this test's editor token is the last editor listed
  auto line = listed.substr(listed.rfind('\n', listed.rfind("editor")) + 1);
  server().cli("tokens revoke " + std::to_string(std::stoi(line)));
  EXPECT_EQ(create(R"({"name": "Y", "insee_code": "19272"})")->status, 401);
}

TEST(ApiHttp, CoverageEligibilityPlanningAgreeWithTheCli) {
  auto& h = server().http();
  auto cov = body(h.Get("/api/v1/coverage?date=2024-06-01"));
  // The share with its range: every time longer, then shorter, by the profile's cross-validated error.
  EXPECT_GT(cov["margin_fraction"].get<double>(), 0.0);
  EXPECT_LT(cov["share_range"][0].get<double>(), cov["share"].get<double>());
  EXPECT_GT(cov["share_range"][1].get<double>(), cov["share"].get<double>());
  // Service areas: hostile breaks are a 400 naming the parameter; an unknown place a 404.
  for (auto* bad : {"nan", "1e999", "20,10", "0", "10,%3Cscript%3E", "1,2,3,4,5,6,7,8,9,10,11,12,13"}) {
    auto r = h.Get(std::string("/api/v1/isochrones.geojson?place=x&breaks=") + bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(body(r)["field"], "breaks") << bad;
  }
  EXPECT_EQ(h.Get("/api/v1/isochrones.geojson?place=nowhere&breaks=10")->status, 404);
  auto cli = json::parse(server()
                             .cli("coverage --date 2024-06-01 --json")
                             .substr(server().cli("coverage --date 2024-06-01 --json").find('{')));
  EXPECT_DOUBLE_EQ(cov["share"].get<double>(), cli["share"].get<double>());
  auto e = body(h.Get("/api/v1/eligibility/creation?commune=Tulle&date=2024-06-01"));
  EXPECT_EQ(e["verdict"], "not_eligible");
  EXPECT_EQ(e["route_geometry"]["type"], "LineString");
  auto plan = body(h.Get("/api/v1/plan/best?k=3&date=2024-06-01"));
  EXPECT_EQ(plan["sites"].size(), 3u);
  EXPECT_EQ(h.Get("/api/v1/plan/best?k=100000")->status, 400);
  auto zones = body(h.Get("/api/v1/coverage/zones.geojson?date=2024-06-01"));
  EXPECT_EQ(zones["features"].size(), cov["zones_blanches"].size());
}

TEST(ApiHttp, TheTerritoryServedIsItsConfiguration) {
  auto& h = server().http();
  auto t = body(h.Get("/api/v1/territory"));
  EXPECT_EQ(t["name"], "Nouvelle-Aquitaine");
  EXPECT_EQ(t["region"], "75");
  ASSERT_EQ(t["departments"].size(), 12u);
  EXPECT_EQ(t["departments"][0]["code"], "16");
  EXPECT_EQ(t["departments"][11]["name"], "Haute-Vienne");
  EXPECT_NE(t["population_grid"].get<std::string>().find("Eurostat"), std::string::npos);
  EXPECT_EQ(h.Get("/api/v1/territory?x=1")->status, 400);
}

TEST(ApiHttp, OpenApiDocumentsExactlyTheRoutesServed) {
  auto& h = server().http();
  auto doc = body(h.Get("/api/v1/openapi.json"));
  ASSERT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented, served;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) documented.insert(method + " " + path);
  for (auto& r : maillage::api::Service::routes()) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    served.insert(m + " " + r.pattern);
  }
  EXPECT_EQ(documented, served);
  // Every documented GET without path parameters is served over HTTP (no 404; 400 when it needs parameters,
  // 401 when it needs a token).
  for (auto& d : documented)
    if (d.starts_with("get ") && d.find('{') == std::string::npos && d.find("applications") == std::string::npos) {
      auto r = h.Get("/api/v1" + d.substr(4));
      ASSERT_TRUE(r) << d;
      EXPECT_TRUE(r->status == 200 || r->status == 400 || r->status == 401) << d << ": " << r->body.substr(0, 200);
    }
}

TEST(ApiHttp, StopsCleanlyOnSigterm) {
  auto& s = server();
  // A slow request in flight when the signal comes still gets its answer.
  int slow_status = 0;
  std::thread slow([&] {
    httplib::Client c2("127.0.0.1", s.port());
    c2.set_read_timeout(60, 0);
    auto r = c2.Get("/api/v1/plan/best?k=40&exact=true&time_limit=3");
    slow_status = r ? r->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(s.stop(), 0);
  slow.join();
  EXPECT_EQ(slow_status, 200);
  auto log = s.log();
  EXPECT_NE(log.find("signal 15 received"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos);
  EXPECT_NE(log.find("GET /api/v1/health 200"), std::string::npos) << "one log line per request";
  EXPECT_NE(log.find("GET /api/v1/plan/best?k=40&exact=true&time_limit=3 200"), std::string::npos) << log;
}

TEST(ApiHttp, BookingAccessRulesAndRace) {
  auto& s = server();
  auto& h = s.http();
  auto place = body(h.Get("/api/v1/places?department=23&status=open&limit=2"))["items"];
  std::string p0 = place[0]["id"], p1 = place[1]["id"];
  for (int d = 1; d <= 5; ++d)
    s.cli("booking hours --place " + p0 + " --weekday " + std::to_string(d) + " --hours-of-day 09:00-18:00");
  s.cli("booking add-resource --place " + p0 +
        " --kind desk --desk-kind dropin --name Nomades --units 2 --price-day 12");
  const int n = 8;
  std::vector<std::string> member_tokens;
  for (int i = 1; i <= n; ++i) {
    s.cli("booking add-member --name M" + std::to_string(i) + " --email m" + std::to_string(i) + "@example.org");
    s.cli("booking membership --member " + std::to_string(i) + " --place " + p0);
    member_tokens.push_back(s.token("--role member --member " + std::to_string(i)));
  }
  auto mgr = s.token("--role manager --place " + p0);
  auto other = s.token("--role manager --place " + p1);
  auto post = [&](const std::string& tok, const std::string& path, const std::string& b) {
    return h.Post(("/api/v1" + path).c_str(), bearer(tok), b, "application/json");
  };
  // Eight members race over HTTP for the 2 desks of one day: exactly 2 get them.
  std::vector<std::thread> ts;
  std::vector<int> status(n);
  for (int i = 0; i < n; ++i)
    ts.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", s.port());
      auto r = c.Post("/api/v1/bookings", bearer(member_tokens[static_cast<size_t>(i)]),
                      R"({"resource": 1, "date": "2027-03-01"})", "application/json");
      status[static_cast<size_t>(i)] = r ? r->status : -1;
    });
  for (auto& t : ts) t.join();
  ASSERT_EQ(std::count(status.begin(), status.end(), 201), 2);
  ASSERT_EQ(std::count(status.begin(), status.end(), 409), n - 2);
  int winner = static_cast<int>(std::find(status.begin(), status.end(), 201) - status.begin());
  int loser = static_cast<int>(std::find(status.begin(), status.end(), 409) - status.begin());
  auto& win_tok = member_tokens[static_cast<size_t>(winner)];
  auto& lose_tok = member_tokens[static_cast<size_t>(loser)];
  auto mine = body(h.Get("/api/v1/bookings", bearer(win_tok)))["items"];
  ASSERT_EQ(mine.size(), 1u);
  std::string id = std::to_string(mine[0]["id"].get<int64_t>());
  EXPECT_EQ(body(h.Get("/api/v1/bookings", bearer(lose_tok)))["items"].size(), 0u);  // a member sees only their own
  EXPECT_EQ(h.Get(("/api/v1/bookings/" + id).c_str(), bearer(lose_tok))->status, 404);
  EXPECT_EQ(h.Get(("/api/v1/bookings/" + id).c_str(), bearer(other))->status, 404);  // another place's manager
  EXPECT_EQ(body(h.Get("/api/v1/bookings", bearer(mgr)))["items"].size(), 2u);
  EXPECT_EQ(post(lose_tok, "/bookings/" + id + "/cancel", "")->status, 404);
  EXPECT_EQ(post(win_tok, "/bookings/" + id + "/confirm", "")->status, 403);
  EXPECT_EQ(post(win_tok, "/bookings", R"({"resource": 1, "date": "2027-03-02", "member": 2})")->status,
            win_tok == member_tokens[1] ? 201 : 403);
  // The manager records a phone booking for a member.
  auto r = post(mgr, "/bookings",
                std::string(R"({"resource": 1, "date": "2027-03-03", "member": )") + std::to_string(loser + 1) + "}");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["recorded_by"].get<std::string>().rfind("token:", 0), 0u);  // the manager's token, by id
  EXPECT_EQ(body(r)["channel"], "phone");
  EXPECT_EQ(post(other, "/bookings", R"({"resource": 1, "date": "2027-03-04", "member": 1})")->status, 403);
  // Validation names the field; the member cancels their own booking (far from its start).
  r = post(win_tok, "/bookings", R"({"resource": 1, "unit": "hour", "date": "2027-03-05", "start": "9h"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(body(r)["field"], "start");
  r = post(win_tok, "/bookings/" + id + "/cancel", R"({"reason": "empêchement"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["status"], "cancelled");
  auto ics = h.Get("/api/v1/bookings.ics", bearer(lose_tok));
  ASSERT_EQ(ics->status, 200);
  EXPECT_NE(ics->body.find("BEGIN:VCALENDAR"), std::string::npos);
  auto found = body(h.Get("/api/v1/booking/search?commune=23096&date=2027-03-01&minutes=90"))["items"];
  ASSERT_EQ(found.size(), 1u);  // the winner cancelled: one desk free again
  EXPECT_EQ(found[0]["free"], 1);
  EXPECT_EQ(h.Get("/api/v1/booking/occupancy?month=2027-03")->status, 200);
  // A weekly series (every Monday of April 2027), then cancelled from its second week.
  r = post(lose_tok, "/bookings", R"({"resource": 1, "date": "2027-04-05", "weeks": 4})");
  ASSERT_EQ(r->status, 201) << r->body;
  auto series = body(r);
  ASSERT_EQ(series["bookings"].size(), 4u);
  EXPECT_EQ(series["bookings"][3]["starts"], "2027-04-26T09:00");
  EXPECT_EQ(series["series_id"], series["bookings"][0]["id"]);
  EXPECT_EQ(body(post(lose_tok, "/bookings", R"({"resource": 1, "date": "2027-04-05", "weeks": 0})"))["field"],
            "weeks");
  auto second = std::to_string(series["bookings"][1]["id"].get<int64_t>());
  r = post(lose_tok, "/bookings/" + second + "/cancel", R"({"series": true})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(r)["bookings"].size(), 3u);
  EXPECT_EQ(body(h.Get(("/api/v1/bookings/" + std::to_string(series["bookings"][0]["id"].get<int64_t>())).c_str(),
                       bearer(lose_tok)))["status"],
            "confirmed");
  EXPECT_EQ(post(lose_tok, "/bookings/" + second + "/confirm", R"({"series": true})")->status, 400);
  // Booking tokens do not open the registry's private contact fields; a manager keeps their own place's sheet
  // current, not its status, and not another place's.
  EXPECT_FALSE(body(h.Get(("/api/v1/places/" + p0).c_str(), bearer(mgr))).contains("contact_email"));
  EXPECT_EQ(h.Patch(("/api/v1/places/" + p0).c_str(), bearer(mgr), R"({"staff_fte": 1})", "application/json")->status,
            200);
  EXPECT_EQ(
      h.Patch(("/api/v1/places/" + p0).c_str(), bearer(mgr), R"({"status": "closed"})", "application/json")->status,
      403);
  EXPECT_EQ(h.Patch(("/api/v1/places/" + p0).c_str(), bearer(other), R"({"staff_fte": 2})", "application/json")->status,
            403);
}
