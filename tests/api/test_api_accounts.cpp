// Accounts over HTTP, on the real server with a real SMTP sink: CSRF, the growing delay after failed sign-ins,
// one-time reset links, disabled accounts, no user enumeration, mail waiting in the outbox while the SMTP server
// is away, roles per place, tokens with an expiry, the audit log.
#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/date.hpp"
#include "mail/smtp_sink.hpp"
#include "server_process.hpp"

using maillage::test::body;
using maillage::test::link_key;
using maillage::test::Server;
using maillage::test::SmtpSink;
using nlohmann::json;

namespace {

const char* kAdminPassword = "le-mot-de-passe-admin";

struct World {
  SmtpSink sink{maillage::test::free_port()};
  std::unique_ptr<Server> server;
  World() {
    sink.use_for_servers();
    setenv("MAILLAGE_MAIL_FROM", "Réseau des tiers-lieux <reseau@maillage.test>", 1);
    server = std::make_unique<Server>(
        std::vector<std::string>{"--mail-interval", "0.2", "--mail-retry", "0.5", "--behind-proxy"});
    maillage::test::TempDir d;
    auto pw = d.write("pw", std::string(kAdminPassword) + "\n");
    server->cli("users add --email admin@maillage.test --name 'Alice Admin' --role admin --password-stdin < " + pw);
  }
};
World& world() {
  static World w;
  return w;
}

// A browser: the session cookie it was given, and the CSRF token the page reads from GET /auth/session.
struct Client {
  httplib::Client& h;
  std::string cookie, csrf, forwarded_for;
  explicit Client(httplib::Client& c) : h(c) {}
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers hs;
    if (!forwarded_for.empty()) hs.emplace("X-Forwarded-For", forwarded_for);
    if (!cookie.empty()) hs.emplace("Cookie", cookie);
    if (with_csrf && !csrf.empty()) hs.emplace("X-CSRF-Token", csrf);
    return hs;
  }
  void keep_cookie(const httplib::Result& r) {
    if (!r || !r->has_header("Set-Cookie")) return;
    auto c = r->get_header_value("Set-Cookie");
    cookie = c.substr(0, c.find(';'));
    if (cookie.ends_with("=")) cookie.clear();
  }
  httplib::Result post(const std::string& path, const json& body, bool with_csrf = true) {
    auto r = h.Post("/api/v1" + path, headers(with_csrf), body.dump(), "application/json");
    keep_cookie(r);
    return r;
  }
  httplib::Result patch(const std::string& path, const json& body) {
    return h.Patch("/api/v1" + path, headers(), body.dump(), "application/json");
  }
  httplib::Result get(const std::string& path) {
    auto r = h.Get("/api/v1" + path, headers(false));
    keep_cookie(r);
    return r;
  }
  int sign_in(const std::string& email, const std::string& password) {
    auto r = post("/auth/session", {{"email", email}, {"password", password}});
    if (r && r->status == 200) csrf = json::parse(r->body)["csrf"];
    return r ? r->status : -1;
  }
};

Client admin() {
  Client c(world().server->http());
  EXPECT_EQ(c.sign_in("admin@maillage.test", kAdminPassword), 200);
  return c;
}

// Invites `email` with `roles` and accepts the invitation from the mail with `password`.
void invite_and_accept(const std::string& email, const json& roles, const std::string& password) {
  auto a = admin();
  auto r = a.post("/users/invitations", {{"email", email}, {"display_name", "Personne " + email}, {"roles", roles}});
  ASSERT_EQ(r->status, 201) << r->body;
  auto mail = world().sink.wait_for(email, "invitation");
  ASSERT_FALSE(mail.is_null()) << "no invitation mail; server log: " << world().server->log();
  Client anyone(world().server->http());
  auto acc = anyone.post("/auth/invitation", {{"key", link_key(mail)}, {"password", password}});
  ASSERT_EQ(acc->status, 200) << acc->body;
}

}  // namespace

TEST(ApiAccounts, CookieRequestsWithoutTheCsrfTokenAreRefused) {
  auto a = admin();
  auto users_before = body(a.get("/users"))["items"].size();
  auto invite = json{{"email", "csrf@maillage.test"}, {"display_name", "C"}, {"roles", {"editor"}}};
  auto r = a.post("/users/invitations", invite, false);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(body(r)["code"], "csrf");
  auto wrong = a;
  wrong.csrf = std::string(43, 'A');
  EXPECT_EQ(wrong.post("/users/invitations", invite)->status, 403);
  // A request from another site is refused even with the token (and a sign-in from another site too).
  auto h = a.headers();
  h.emplace("Origin", "https://evil.example");
  EXPECT_EQ(a.h.Post("/api/v1/users/invitations", h, invite.dump(), "application/json")->status, 403);
  EXPECT_EQ(a.h.Post("/api/v1/auth/session", {{"Origin", "https://evil.example"}},
                     json{{"email", "admin@maillage.test"}, {"password", kAdminPassword}}.dump(), "application/json")
                ->status,
            403);
  // Nothing was created by the refused requests; with the token, it is.
  EXPECT_EQ(body(a.get("/users"))["items"].size(), users_before);
  EXPECT_EQ(a.post("/users/invitations", invite)->status, 201);
  // The cookie is HttpOnly and SameSite=Strict.
  auto s = a.h.Post("/api/v1/auth/session", json{{"email", "admin@maillage.test"}, {"password", kAdminPassword}}.dump(),
                    "application/json");
  auto set = s->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
}

TEST(ApiAccounts, TenWrongPasswordsSlowTheNextAttempt) {
  invite_and_accept("slow@maillage.test", {"member"}, "un-bon-mot-de-passe");
  Client c(world().server->http());
  int refused = 0, throttled = 0;
  for (int i = 0; i < 10; ++i) {
    int st = c.sign_in("slow@maillage.test", "mauvais-mot-de-passe");
    refused += st == 401, throttled += st == 429;
  }
  EXPECT_EQ(refused, 5);    // five free attempts, then each waits 2, 4, 8 ... s after the last failure
  EXPECT_EQ(throttled, 5);  // attempts during the wait are not heard (the password is not even checked)
  // Even the right password waits now, and the answer says how long.
  auto r = c.post("/auth/session", {{"email", "slow@maillage.test"}, {"password", "un-bon-mot-de-passe"}});
  ASSERT_EQ(r->status, 429);
  EXPECT_EQ(body(r)["code"], "too_many_attempts");
  int wait = std::stoi(r->get_header_value("Retry-After"));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 2);
  std::this_thread::sleep_for(std::chrono::seconds(wait + 1));
  EXPECT_EQ(c.sign_in("slow@maillage.test", "un-bon-mot-de-passe"), 200);
  // The audit log has the failures, with the address typed.
  auto log = body(admin().get("/audit?action=sign_in_failed"));
  EXPECT_GE(log["total"].get<int>(), 5);
}

TEST(ApiAccounts, AResetLinkWorksOnce) {
  invite_and_accept("reset@maillage.test", {"member"}, "premier-mot-de-passe");
  Client before(world().server->http());
  ASSERT_EQ(before.sign_in("reset@maillage.test", "premier-mot-de-passe"), 200);
  Client c(world().server->http());
  EXPECT_EQ(c.post("/auth/reset", {{"email", "reset@maillage.test"}})->status, 202);
  auto mail = world().sink.wait_for("reset@maillage.test", "reset");
  ASSERT_FALSE(mail.is_null());
  EXPECT_EQ(mail["subject"], "Réinitialisation de votre mot de passe");
  EXPECT_NE(mail["html"].get<std::string>().find("<a href=\"http://maillage.test/#cle/reinitialisation/"),
            std::string::npos);
  auto key = link_key(mail);
  auto first = c.post("/auth/reset/confirm", {{"key", key}, {"password", "second-mot-de-passe"}});
  EXPECT_EQ(first->status, 200) << first->body;
  auto again = c.post("/auth/reset/confirm", {{"key", key}, {"password", "troisieme-mot-de-passe"}});
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(body(again)["field"], "key");
  EXPECT_EQ(c.sign_in("reset@maillage.test", "premier-mot-de-passe"), 401);
  EXPECT_EQ(c.sign_in("reset@maillage.test", "second-mot-de-passe"), 200);
  // The session opened before the reset is over.
  EXPECT_EQ(body(before.get("/auth/session"))["signed_in"], false);
}

TEST(ApiAccounts, ADisabledAccountsSessionsStopAtOnce) {
  invite_and_accept("gone@maillage.test", {"member"}, "mot-de-passe-gone");
  Client c(world().server->http());
  ASSERT_EQ(c.sign_in("gone@maillage.test", "mot-de-passe-gone"), 200);
  auto me = body(c.get("/auth/session"));
  ASSERT_EQ(me["signed_in"], true);
  EXPECT_EQ(c.get("/bookings")->status, 200);
  auto a = admin();
  auto id = me["user"]["id"].get<int>();
  auto r = a.patch("/users/" + std::to_string(id), {{"status", "disabled"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body(c.get("/auth/session"))["signed_in"], false);
  EXPECT_EQ(c.get("/bookings")->status, 401);
  Client again(world().server->http());
  auto told = again.post("/auth/session", {{"email", "gone@maillage.test"}, {"password", "mot-de-passe-gone"}});
  EXPECT_EQ(told->status, 403);  // the owner is told, nobody else
  EXPECT_EQ(body(told)["code"], "account_disabled");
  EXPECT_EQ(again.sign_in("gone@maillage.test", "pas-le-bon-mot"), 401);
}

TEST(ApiAccounts, NoResponseRevealsWhetherAnAddressIsRegistered) {
  Client c(world().server->http());
  auto known = c.post("/auth/reset", {{"email", "admin@maillage.test"}});
  auto unknown = c.post("/auth/reset", {{"email", "personne@maillage.test"}});
  EXPECT_EQ(known->status, unknown->status);
  EXPECT_EQ(known->body, unknown->body);
  auto wrong_known = c.post("/auth/session", {{"email", "admin@maillage.test"}, {"password", "pas-le-bon-mot"}});
  auto wrong_unknown = c.post("/auth/session", {{"email", "inconnu@maillage.test"}, {"password", "pas-le-bon-mot"}});
  EXPECT_EQ(wrong_known->status, 401);
  EXPECT_EQ(body(wrong_known)["code"], "wrong_credentials");
  EXPECT_EQ(wrong_known->status, wrong_unknown->status);
  EXPECT_EQ(wrong_known->body, wrong_unknown->body);
  // Registration: the same 202 whether the address has an account (it gets a mail saying so) or not.
  auto place = body(c.get("/places?limit=1&status=open"))["items"][0]["id"].get<std::string>();
  admin().post("/places/" + place + "/self-registration", {{"allowed", true}});
  auto reg = [&](const std::string& email) {
    return c.post("/auth/register",
                  {{"email", email}, {"display_name", "X"}, {"password", "mot-de-passe-long"}, {"place", place}});
  };
  auto existing = reg("admin@maillage.test"), fresh = reg("nouveau@maillage.test");
  EXPECT_EQ(existing->status, 202);
  EXPECT_EQ(existing->status, fresh->status);
  EXPECT_EQ(existing->body, fresh->body);
  EXPECT_FALSE(world().sink.wait_for("admin@maillage.test", "already_registered").is_null());
  auto verify = world().sink.wait_for("nouveau@maillage.test", "verification");
  ASSERT_FALSE(verify.is_null());
  // Not usable before the address is confirmed; then a member of the place.
  Client n(world().server->http());
  auto unverified = n.post("/auth/session", {{"email", "nouveau@maillage.test"}, {"password", "mot-de-passe-long"}});
  EXPECT_EQ(unverified->status, 403);
  EXPECT_EQ(body(unverified)["code"], "email_not_verified");
  EXPECT_EQ(n.post("/auth/verify", {{"key", link_key(verify)}})->status, 200);
  EXPECT_EQ(n.sign_in("nouveau@maillage.test", "mot-de-passe-long"), 200);
  EXPECT_EQ(body(n.get("/auth/session"))["user"]["roles"], json({"member"}));
}

TEST(ApiAccounts, MailWaitsInTheOutboxWhileTheSmtpServerIsDownAndLeavesWhenItReturns) {
  auto& sink = world().sink;
  invite_and_accept("patient@maillage.test", {"member"}, "mot-de-passe-patient");
  sink.stop();
  Client c(world().server->http());
  EXPECT_EQ(c.post("/auth/reset", {{"email", "patient@maillage.test"}})->status, 202);
  auto a = admin();
  json pending;
  for (int i = 0; i < 50; ++i) {
    auto box = body(a.get("/mail/outbox?status=pending"));
    for (auto& m : box["items"])
      if (m["recipient"] == "patient@maillage.test" && m["attempts"].get<int>() >= 1) pending = m;
    if (!pending.is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(pending.is_null()) << "the failed attempt is visible in the outbox";
  EXPECT_EQ(pending["event"], "reset");
  EXPECT_FALSE(pending["last_error"].get<std::string>().empty());
  sink.start();
  auto mail = sink.wait_for("patient@maillage.test", "reset", 20);
  ASSERT_FALSE(mail.is_null()) << world().server->log();
  // The sink has the message once SMTP finishes; the delivery thread marks the row sent just after: wait for it.
  bool sent = false;
  for (int tries = 0; tries < 100 && !sent; ++tries) {
    if (tries) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto after = body(a.get("/mail/outbox?status=sent"));
    for (auto& m : after["items"]) sent |= m["id"] == pending["id"] && m["status"] == "sent";
  }
  EXPECT_TRUE(sent);
}

TEST(ApiAccounts, AManagerChangesOnlyTheirPlacesAndNotTheirStatus) {
  auto a = admin();
  auto places = body(a.get("/places?limit=2&status=open"))["items"];
  std::string mine = places[0]["id"], other = places[1]["id"];
  invite_and_accept("gerant@maillage.test", {"manager:" + mine}, "mot-de-passe-gerant");
  Client m(world().server->http());
  ASSERT_EQ(m.sign_in("gerant@maillage.test", "mot-de-passe-gerant"), 200);
  auto me = body(m.get("/auth/session"));
  EXPECT_EQ(me["user"]["places"].size(), 1u);
  EXPECT_EQ(me["user"]["places"][0]["id"], mine);
  EXPECT_EQ(m.patch("/places/" + mine, {{"website", "https://gerant.example"}})->status, 200);
  EXPECT_EQ(m.patch("/places/" + other, {{"website", "https://gerant.example"}})->status, 403);
  auto status = m.patch("/places/" + mine, {{"status", "closed"}});
  EXPECT_EQ(status->status, 403);
  EXPECT_EQ(body(status)["field"], "status");
  EXPECT_EQ(m.get("/users")->status, 403);
  EXPECT_EQ(m.get("/bookings?place=" + other)->status, 403);
  // The write is in the audit log under the person's name.
  auto log = body(a.get("/audit?action=PATCH"));
  bool found = false;
  for (auto& e : log["items"])
    found |=
        e["target"] == "/places/" + mine && e["actor_label"] == "Personne gerant@maillage.test" && e["status"] == 200;
  EXPECT_TRUE(found) << log.dump();
}

TEST(ApiAccounts, AdminTokensHaveAScopeAndAnExpiry) {
  auto a = admin();
  EXPECT_EQ(body(a.post("/tokens", {{"role", "editor"}, {"label", "SIG"}}))["field"], "expires");
  EXPECT_EQ(body(a.post("/tokens", {{"role", "editor"}, {"label", "SIG"}, {"expires", "2020-01-01"}}))["field"],
            "expires");
  auto r = a.post("/tokens", {{"role", "editor"}, {"label", "équipe SIG"}, {"expires", "2099-01-01"}});
  EXPECT_EQ(body(r)["field"], "expires");  // more than a year ahead
  auto next_month = maillage::date::utc_after(45 * 24 * 3600).substr(0, 10);
  r = a.post("/tokens", {{"role", "editor"}, {"label", "équipe SIG"}, {"expires", next_month}});
  ASSERT_EQ(r->status, 201) << r->body;
  auto t = body(r);
  auto& h = world().server->http();
  httplib::Headers bearer{{"Authorization", "Bearer " + t["token"].get<std::string>()}};
  EXPECT_EQ(h.Get("/api/v1/applications", bearer)->status, 200);
  EXPECT_EQ(h.Get("/api/v1/users", bearer)->status, 403);  // its scope: editor
  EXPECT_EQ(a.post("/tokens/" + std::to_string(t["id"].get<int>()) + "/revoke", json::object())->status, 200);
  EXPECT_EQ(h.Get("/api/v1/applications", bearer)->status, 401);
  bool listed = false;
  auto tokens = body(a.get("/tokens"));
  for (auto& x : tokens["items"])
    listed |= x["id"] == t["id"] && x["created_by"] == "user:1" && !x["revoked_at"].get<std::string>().empty();
  EXPECT_TRUE(listed) << tokens.dump();
}

TEST(ApiAccounts, SessionsAreListedAndEndedEverywhere) {
  invite_and_accept("nomade@maillage.test", {"member"}, "mot-de-passe-nomade");
  Client one(world().server->http()), two(world().server->http());
  ASSERT_EQ(one.sign_in("nomade@maillage.test", "mot-de-passe-nomade"), 200);
  ASSERT_EQ(two.sign_in("nomade@maillage.test", "mot-de-passe-nomade"), 200);
  auto list = body(one.get("/auth/sessions"))["items"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(std::count_if(list.begin(), list.end(), [](auto& s) { return s["current"] == true; }), 1);
  auto mine = one.get("/auth/export");
  ASSERT_EQ(mine->status, 200);
  EXPECT_NE(mine->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(body(mine)["account"]["email"], "nomade@maillage.test");
  EXPECT_EQ(body(mine)["sessions"].size(), 2u);
  EXPECT_EQ(one.post("/auth/sessions/revoke-all", json::object())->status, 200);
  EXPECT_EQ(body(two.get("/auth/session"))["signed_in"], false);
  EXPECT_EQ(two.get("/auth/sessions")->status, 401);
}

TEST(ApiAccounts, FailuresFromOneAddressSlowThatAddressOnly) {
  // Behind the proxy (--behind-proxy), the client address is the last of X-Forwarded-For.
  Client a(world().server->http()), b(world().server->http());
  a.forwarded_for = "203.0.113.9, 198.51.100.7";  // the first is what the client claimed; the proxy saw the last
  b.forwarded_for = "198.51.100.8";
  int refused = 0;
  for (int i = 0; i < 20; ++i)
    refused += a.sign_in("inconnu" + std::to_string(i) + "@maillage.test", "mauvais-mot") == 401;
  EXPECT_EQ(refused, 20);  // twenty free failures per address, each for another account
  EXPECT_EQ(a.sign_in("encore@maillage.test", "mauvais-mot"), 429);
  EXPECT_EQ(b.sign_in("encore@maillage.test", "mauvais-mot"), 401);  // another address is not held up
  auto log = body(admin().get("/audit?action=sign_in_failed&limit=500"));
  int from_a = 0;
  for (auto& e : log["items"]) from_a += e["address"] == "198.51.100.7";
  EXPECT_EQ(from_a, 20);
}
