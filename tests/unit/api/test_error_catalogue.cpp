// The error catalogue (issue #29): every code documented in the OpenAPI document with its status, and asserted by
// at least one test (this file excepted: it names them all).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "core/error.hpp"

using namespace maillage;
using nlohmann::json;

// Every code of the catalogue is in the OpenAPI document (the Error schema's enum, with its status), and at least
// one test asserts it (its name quoted, or Errc::name).
TEST(ErrorCatalogue, EveryCodeIsDocumentedAndAssertedByATest) {
  auto doc = json::parse(api::openapi_text());
  auto& codes = doc["components"]["schemas"]["Error"]["properties"]["code"];
  std::set<std::string> documented(codes["enum"].begin(), codes["enum"].end());
  std::string tests;
  for (auto root : {std::string(MAILLAGE_TEST_DATA) + "/..", std::string(MAILLAGE_TEST_DATA) + "/../../web/tests"})
    for (auto& f : std::filesystem::recursive_directory_iterator(root)) {
      auto ext = f.path().extension();
      if (ext != ".cpp" && ext != ".mjs" && ext != ".hpp") continue;
      if (f.path().filename() == "test_error_catalogue.cpp") continue;  // this file names them all
      std::ifstream in(f.path());
      std::stringstream ss;
      ss << in.rdbuf();
      tests += ss.str();
    }
  std::set<int> statuses;
  for (auto& e : error_catalogue()) {
    std::string code(e.code);
    EXPECT_TRUE(documented.contains(code)) << code << " is not in the OpenAPI document";
    EXPECT_EQ(codes["x-status"].value(code, 0), e.status) << code;
    bool asserted =
        tests.find('"' + code + '"') != std::string::npos || tests.find("Errc::" + code) != std::string::npos;
    EXPECT_TRUE(asserted) << code << " is asserted by no test";
    EXPECT_GE(e.status, 400);
    EXPECT_FALSE(e.message.empty());
    EXPECT_EQ(find_error(code), &e);
  }
  EXPECT_EQ(documented.size(), error_catalogue().size());
}

// Each route lists its codes (x-error-codes, written by tools/openapi_error_codes.py from the route table), every one
// of them in the catalogue; ApiHttp.EachErrorHasItsCodeAndStatus checks the codes it provokes against these lists.
TEST(ErrorCatalogue, EachRouteListsItsCodes) {
  auto doc = json::parse(api::openapi_text());
  for (auto& route : api::Service::routes()) {
    std::string m = route.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(c));
    auto& op = doc["paths"][route.pattern][m];
    ASSERT_TRUE(op.contains("x-error-codes"))
        << route.method << ' ' << route.pattern << ": run python3 tools/openapi_error_codes.py";
    for (auto& c : op["x-error-codes"]) EXPECT_NE(find_error(c.get<std::string>()), nullptr) << c;
    if (route.access != api::Access::Public) {
      auto& codes = op["x-error-codes"];
      EXPECT_NE(std::find(codes.begin(), codes.end(), "unauthorized"), codes.end()) << route.pattern;
    }
  }
  for (auto& c : doc["components"]["schemas"]["Error"]["x-every-route"])
    EXPECT_NE(find_error(c.get<std::string>()), nullptr);
}
