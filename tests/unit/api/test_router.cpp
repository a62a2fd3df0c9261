// The router (issue #29): literal segments win over parameters whatever the order of the table, a route that
// would shadow another refuses to build, every route of the table is reached by a path of its own shape, and the
// query parameters are checked against the OpenAPI document before any handler runs. The error catalogue: every
// code documented in the OpenAPI document and asserted by at least one test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "core/error.hpp"

using namespace maillage;
using namespace maillage::api;
using nlohmann::json;

namespace {

Response none(const Call&) { return {}; }

json doc_of(const std::vector<Route>& routes) {
  json d{{"paths", json::object()}};
  for (auto& r : routes) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    d["paths"][r.pattern][m] = {{"parameters", json::array()}};
  }
  return d;
}

}  // namespace

TEST(Router, LiteralSegmentsWinWhateverTheOrder) {
  // The parameter route first in one table, last in the other: the same answers.
  std::vector<Route> a{
      {"GET", "/scenarios/{id}", Access::Public, "", none}, {"GET", "/scenarios/saved", Access::Public, "", none},
      {"GET", "/events/{id}", Access::Public, "", none},    {"GET", "/events/gaps", Access::Public, "", none},
      {"GET", "/a/{x}/c", Access::Public, "", none},        {"GET", "/a/b/{y}", Access::Public, "", none}};
  std::vector<Route> b(a.rbegin(), a.rend());
  for (auto* routes : {&a, &b}) {
    Router r(*routes, doc_of(*routes));
    EXPECT_EQ(r.match("GET", "/scenarios/saved").route->pattern, "/scenarios/saved");
    EXPECT_EQ(r.match("GET", "/scenarios/12").route->pattern, "/scenarios/{id}");
    EXPECT_EQ(r.match("GET", "/scenarios/12").params, std::vector<std::string>{"12"});
    EXPECT_EQ(r.match("GET", "/events/gaps").route->pattern, "/events/gaps");
    EXPECT_EQ(r.match("GET", "/events/7").route->pattern, "/events/{id}");
    // A literal that leads nowhere falls back to the parameter: /a/b/c is /a/b/{y}; /a/z/c is /a/{x}/c.
    EXPECT_EQ(r.match("GET", "/a/b/c").route->pattern, "/a/b/{y}");
    EXPECT_EQ(r.match("GET", "/a/z/c").route->pattern, "/a/{x}/c");
    EXPECT_EQ(r.match("GET", "/a/b/").route, nullptr);  // an empty segment is no parameter
    EXPECT_EQ(r.match("POST", "/events/gaps").error, Errc::method_not_allowed);
    EXPECT_EQ(r.match("GET", "/nowhere").error, Errc::route_not_found);
    EXPECT_EQ(r.match("GET", "events/gaps").route, nullptr);  // not from the root
  }
}

TEST(Router, ARouteThatWouldShadowAnotherRefusesToBuild) {
  std::vector<Route> routes{{"GET", "/events/{id}", Access::Public, "", none},
                            {"GET", "/events/{key}", Access::Public, "", none}};
  EXPECT_THROW(Router(routes, doc_of(routes)), Error);
  routes[1].method = "POST";  // another method on the same shape is fine
  EXPECT_NO_THROW(Router(routes, doc_of(routes)));
  routes.push_back({"GET", "/undocumented", Access::Public, "", none});
  EXPECT_THROW(Router(routes, doc_of({routes[0], routes[1]})), Error);  // every route is in the document
}

TEST(Router, EveryRouteOfTheTableIsReachedByItsOwnShape) {
  const auto& r = router();  // the real table and the document compiled into the binary: builds without a clash
  for (auto& route : Service::routes()) {
    std::string path = std::regex_replace(route.pattern, std::regex(R"(\{[a-z_]+\})"), "42");
    auto m = r.match(route.method, path);
    ASSERT_NE(m.route, nullptr) << route.method << ' ' << route.pattern;
    EXPECT_EQ(m.route, &route) << route.method << ' ' << path << " reached " << m.route->pattern;
    // No operation hides behind a path parameter named like one: {action} became named routes.
    EXPECT_EQ(route.pattern.find("{action}"), std::string::npos) << route.pattern;
  }
}

TEST(Router, QueryParametersAreCheckedAgainstTheirDeclaration) {
  const auto& r = router();
  auto m = r.match("GET", "/coverage/cells.geojson");
  auto code_of = [&](std::map<std::string, std::string> q) -> std::string {
    try {
      Router::check_query(m, q);
      return "ok";
    } catch (const Error& e) {
      return std::string(info(e.code()).code) + ":" + e.field();
    }
  };
  EXPECT_EQ(code_of({{"weeks", "2"}, {"open_at", "Tu 09:00-12:00"}}), "ok");
  // The probe's findings: weeks=nan, 1e999, abc answered 200 unless part_time was given.
  for (auto bad : {"nan", "1e999", "abc", "-inf", "0", "9", "2.5"})
    EXPECT_EQ(code_of({{"weeks", bad}}), "field_invalid:weeks") << bad;
  EXPECT_EQ(code_of({{"part_time", "yes"}}), "field_invalid:part_time");
  EXPECT_EQ(code_of({{"date", "2026-02-30"}}), "field_invalid:date");
  EXPECT_EQ(code_of({{"colour", "red"}}), "unknown_parameter:colour");
  auto reg = r.match("GET", "/events/42/registrations");
  EXPECT_THROW(Router::check_query(reg, {{"format", "zzz"}}), Error);
  EXPECT_NO_THROW(Router::check_query(reg, {{"format", "csv"}}));
}

TEST(ErrorCatalogue, MessagesAreFilledInOnePass) {
  EXPECT_EQ(render_message(Errc::field_invalid, "{field} {detail}", "weeks"),
            "Valeur refusée pour « weeks » : {field} {detail}");
  EXPECT_EQ(info(Errc::seat_taken).status, 409);
  EXPECT_EQ(info(Errc::place_not_found).code, "place_not_found");
  Error e(Errc::seat_taken, "full");
  EXPECT_EQ(e.code(), Errc::seat_taken);
  EXPECT_EQ(Error("plain").code(), Errc::input_refused);
  InputError f("email", "not an address");
  EXPECT_EQ(f.code(), Errc::field_invalid);
  EXPECT_EQ(f.field(), "email");
  EXPECT_EQ(std::string(f.what()), "email: not an address");
  EXPECT_EQ(f.detail(), "not an address");
}

TEST(ErrorCatalogue, AnExceptionOutsideTheCatalogueIsA500WithALogIdNeverItsText) {
  Request r;
  r.method = "GET";
  r.path = "/places";
  testing::internal::CaptureStderr();
  auto res = internal_error(std::runtime_error("sqlite: disk I/O error at /secret/path"), r);
  auto log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(res.status, 500);
  auto j = json::parse(res.body);
  EXPECT_EQ(j["code"], "internal");
  EXPECT_EQ(res.body.find("secret"), std::string::npos) << res.body;
  // The log line has the id the answer gives, and what happened.
  EXPECT_NE(log.find(j["detail"].get<std::string>()), std::string::npos) << log;
  EXPECT_NE(log.find("/secret/path"), std::string::npos) << log;
}

TEST(ErrorCatalogue, StatusRetryAfterAndExcerptComeFromTheTable) {
  Error busy(Errc::unavailable, "the printer is not installed");
  busy.retry_after = 60;
  auto res = error_response(busy);
  EXPECT_EQ(res.status, 503);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0], (std::pair<std::string, std::string>{"Retry-After", "60"}));
  EXPECT_EQ(error_response(Error(Errc::busy, "")).status, 503);
  EXPECT_EQ(error_response(Error(Errc::headers_too_large, "")).status, 431);
  // A detail quoting 3,000 characters of the input is cut to a short excerpt, in the message too.
  auto long_one = error_response(Error(Errc::field_invalid, std::string(3000, 'x'), "stops[1].hours"));
  auto j = json::parse(long_one.body);
  EXPECT_LT(j["detail"].get<std::string>().size(), 300u);
  EXPECT_LT(j["message"].get<std::string>().size(), 400u);
  EXPECT_EQ(j["field"], "stops[1].hours");
  EXPECT_EQ(long_one.status, 400);
}
