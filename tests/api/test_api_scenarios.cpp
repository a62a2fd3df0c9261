// What-if scenarios over HTTP on the real server: editors only; a hypothetical place in a zone blanche raises the
// share, closing a place lowers it, moving it back restores it; bad changes are 400 naming the field; a saved
// scenario opens by its key with the same figures; its sites export as CSV.
#include <fmt/format.h>

#include "server_process.hpp"

using maillage::test::bearer;
using maillage::test::body;
using maillage::test::Server;
using nlohmann::json;

TEST(ApiScenarios, ChangesFiguresSaveAndShare) {
  Server server;
  auto editor = server.token("--role editor --label test");
  auto& http = server.http();
  auto post = [&](const std::string& path, const json& b) {
    return http.Post(("/api/v1" + path).c_str(), bearer(editor), b.dump(), "application/json");
  };
  EXPECT_EQ(http.Post("/api/v1/scenarios", "{}", "application/json")->status, 401);
  auto made = post("/scenarios", json::object());
  ASSERT_EQ(made->status, 201) << made->body;
  auto sc = body(made);
  auto id = sc["id"].get<int64_t>();
  auto path = fmt::format("/scenarios/{}/changes", id);
  double start = sc["figures"]["covered"];
  auto coverage = body(http.Get("/api/v1/coverage"));
  EXPECT_NEAR(start, coverage["covered"].get<double>(), 1) << "the scenario starts from the registry's coverage";

  // A hypothetical place in Deux-Sèvres (the least covered department): more inhabitants within 20 minutes.
  auto add = post(path, {{"op", "add"}, {"lon", -0.05}, {"lat", 46.45}, {"name", "Essai <b>Ménigoute</b>"}});
  ASSERT_EQ(add->status, 200) << add->body;
  auto a = body(add);
  EXPECT_GT(a["change"]["covered"].get<double>(), 0);
  EXPECT_EQ(a["change_from_start"], a["change"]["covered"]);
  EXPECT_FALSE(a["change"]["gained_cells"].empty());
  EXPECT_LT(a["change"]["server_ms"].get<double>(), 1000);
  auto hypo = a["applied"]["id"].get<std::string>();
  // Moving it far away and back: the figures come back.
  auto away = body(post(path, {{"op", "move"}, {"id", hypo}, {"lon", 0.9}, {"lat", 45.0}}));
  auto back = body(post(path, {{"op", "move"}, {"id", hypo}, {"lon", -0.05}, {"lat", 46.45}}));
  EXPECT_EQ(back["covered"], a["covered"]);
  (void)away;
  // Closing an open place: fewer (or as many) inhabitants covered.
  auto places = body(http.Get("/api/v1/places?status=open&limit=1"));
  auto closed = body(post(path, {{"op", "close"}, {"id", places["items"][0]["id"]}}));
  EXPECT_LE(closed["change"]["covered"].get<double>(), 0);
  // Refused, naming the field; nothing changes.
  auto refuse = [&](const json& b, const char* field) {
    auto r = post(path, b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << b.dump() << r->body;
    EXPECT_EQ(body(r)["field"], field) << r->body;
  };
  refuse({{"op", "add"}, {"lon", "x"}, {"lat", 46}}, "lon");
  refuse({{"op", "add"}, {"lon", 200}, {"lat", 46}}, "lon");
  refuse({{"op", "teleport"}}, "op");
  refuse({{"op", "add"}, {"lon", 0}, {"lat", 46}, {"colour", "red"}}, "colour");
  auto unknown = post(path, {{"op", "close"}, {"id", "nulle-part"}});
  EXPECT_EQ(unknown->status, 404);
  auto now = body(http.Get(fmt::format("/api/v1/scenarios/{}", id).c_str(), bearer(editor)));
  EXPECT_EQ(now["changes"].size(), 4u);
  EXPECT_EQ(now["figures"]["covered"], closed["covered"]);
  // Saved, shared by its key, replayed with the same figures; the hypothetical site as CSV.
  auto saved = body(post(fmt::format("/scenarios/{}/save", id), {{"name", "Essai Gâtine"}}));
  ASSERT_TRUE(saved.contains("key")) << saved.dump();
  EXPECT_NE(saved["link"].get<std::string>().find("#scenario/"), std::string::npos);
  auto shared = body(http.Get(("/api/v1/scenarios/shared/" + saved["key"].get<std::string>()).c_str(), bearer(editor)));
  EXPECT_EQ(shared["figures"]["covered"], now["figures"]["covered"]);
  EXPECT_EQ(shared["name"], "Essai Gâtine");
  auto csv = http.Get(fmt::format("/api/v1/scenarios/{}/sites.csv", id).c_str(), bearer(editor));
  ASSERT_TRUE(csv);
  EXPECT_NE(csv->body.find(hypo), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("id,name,lon,lat"), std::string::npos);
  EXPECT_EQ(body(http.Get("/api/v1/scenarios/saved", bearer(editor)))["items"].size(), 1u);
  EXPECT_EQ(http.Get("/api/v1/scenarios/999", bearer(editor))->status, 404);
}
