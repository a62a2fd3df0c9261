// The accounts library on a real SQLite database: Argon2id hashes, what people type, one-time keys, sessions,
// the brakes on guessing, roles, the audit log.
#include <gtest/gtest.h>

#include <thread>

#include <atomic>

#include <random>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "accounts/throttle.hpp"
#include "core/error.hpp"
#include "helpers.hpp"
#include "seeded_db.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
struct Fixture : maillage::test::SeededDb {
  std::string place(size_t i = 0) { return store->list({}).at(i).id; }
};
std::string field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    EXPECT_EQ(e.code(), Errc::field_invalid) << e.what();
    return e.field();
  }
  return "(accepted)";
}
}  // namespace

TEST(Passwords, Argon2idHashesVerifyAndAreSalted) {
  auto h = accounts::hash_password("correct horse battery");
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << h;
  EXPECT_TRUE(accounts::verify_password(h, "correct horse battery"));
  EXPECT_FALSE(accounts::verify_password(h, "correct horse batterY"));
  EXPECT_FALSE(accounts::verify_password("", "x"));
  EXPECT_FALSE(accounts::needs_rehash(h));
  EXPECT_NE(h, accounts::hash_password("correct horse battery"));
}

TEST(Passwords, WhatPeopleTypeIsCheckedInOnePlace) {
  EXPECT_EQ(accounts::normalise_email("  Alice.Dupont@Example.ORG "), "alice.dupont@example.org");
  for (auto bad : {"", "alice", "a@b", "a b@c.fr", "a@b@c.fr", "<a@b.fr>", "a@b\x01.fr", "@b.fr", "a@.fr"})
    EXPECT_EQ(field_of([&] { accounts::normalise_email(bad); }), "email") << bad;
  EXPECT_EQ(field_of([] { accounts::normalise_email(std::string(250, 'a') + "@b.fr"); }), "email");
  EXPECT_EQ(field_of([] { accounts::check_password("court", "a@b.fr"); }), "password");
  EXPECT_EQ(field_of([] {
              accounts::check_password(
                  "ab\x01"
                  "cdefghijkl",
                  "a@b.fr");
            }),
            "password");
  EXPECT_EQ(field_of([] { accounts::check_password("alice@example.org", "alice@example.org"); }), "password");
  EXPECT_EQ(field_of([] { accounts::check_password(std::string(300, 'x'), "a@b.fr"); }), "password");
  EXPECT_EQ(field_of([] { accounts::check_password("un mot de passe très long", "a@b.fr"); }), "(accepted)");
  EXPECT_EQ(field_of([] { accounts::clean_name("  "); }), "display_name");
  EXPECT_EQ(accounts::clean_name("  Anne  "), "Anne");
}

TEST(Accounts, OneTimeKeysWorkOnceForTheirPurposeUntilTheyExpire) {
  Fixture f;
  accounts::Accounts a(f.db());
  auto u = a.add("k@maillage.test", "K", "invited", {}, "test");
  auto key = a.issue_key(u.id, "invitation", 3600);
  EXPECT_EQ(key.size(), 43u);
  EXPECT_EQ(a.peek_key(key, "reset"), std::nullopt);
  EXPECT_EQ(a.peek_key(key, "invitation"), u.id);
  EXPECT_EQ(a.use_key(key, "invitation"), u.id);
  EXPECT_EQ(a.use_key(key, "invitation"), std::nullopt);
  EXPECT_EQ(a.use_key(a.issue_key(u.id, "reset", -1), "reset"), std::nullopt);  // expired
  // Using the newest reset key kills the older ones.
  auto older = a.issue_key(u.id, "reset", 3600), newer = a.issue_key(u.id, "reset", 3600);
  EXPECT_EQ(a.use_key(newer, "reset"), u.id);
  EXPECT_EQ(a.use_key(older, "reset"), std::nullopt);
  // The key is stored only as its hash.
  auto st = f.db().prepare("SELECT COUNT(*) FROM one_time_keys WHERE hash = ?");
  st.bind(1, key);
  st.step();
  EXPECT_EQ(st.int64(0), 0);
}

TEST(Accounts, RolesPerPlaceAndTheMemberRecord) {
  Fixture f;
  accounts::Accounts a(f.db());
  auto u = a.add("Gerant@Maillage.test", "Gérant", "invited", {{"manager", f.place(0)}, {"member", ""}}, "test");
  EXPECT_EQ(u.email, "gerant@maillage.test");
  EXPECT_TRUE(u.manages(f.place(0)));
  EXPECT_FALSE(u.manages(f.place(1)));
  EXPECT_NE(u.member_id, 0);  // the member role made the booking member, with the same address
  auto st = f.db().prepare("SELECT email FROM members WHERE id = ?");
  st.bind(1, u.member_id);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "gerant@maillage.test");
  // An unknown place: nothing is written (the account is not created either).
  EXPECT_THROW(a.add("x@maillage.test", "X", "invited", {{"manager", "no-such-place"}}, "test"), NotFound);
  EXPECT_FALSE(a.find_email("x@maillage.test"));
  EXPECT_EQ(field_of([&] { a.add("gerant@maillage.test", "Autre", "invited", {}, "test"); }), "email");
  EXPECT_EQ(field_of([] { accounts::parse_role("manager"); }), "roles");
  EXPECT_EQ(field_of([] { accounts::parse_role("editor:abc"); }), "roles");
  EXPECT_EQ(field_of([] { accounts::parse_role("superuser"); }), "roles");
  a.set_roles(u.id, {{"editor", ""}}, "test");
  EXPECT_EQ(a.get(u.id).roles, (std::vector<accounts::RoleGrant>{{"editor", ""}}));
}

TEST(Sessions, LiveUntilRevokedExpiredIdleOrTheAccountDisabled) {
  Fixture f;
  accounts::Accounts a(f.db());
  auto u = a.add("s@maillage.test", "S", "invited", {}, "test");
  a.set_password_hash(u.id, accounts::hash_password("mot-de-passe-s"), true);
  accounts::Sessions s(f.db());
  auto one = s.open(u.id, "192.0.2.1", "Firefox\x01<b>"), two = s.open(u.id, "192.0.2.2", "Chromium");
  ASSERT_TRUE(s.find(one.secret));
  EXPECT_EQ(s.find(one.secret)->user_agent, "Firefox\\x01<b>");  // stored printable
  EXPECT_FALSE(s.find(one.secret + "x"));
  EXPECT_EQ(s.of_user(u.id).size(), 2u);
  s.revoke(u.id, one.session.id);
  EXPECT_FALSE(s.find(one.secret));
  EXPECT_CODE(s.revoke(u.id + 1, two.session.id), Errc::session_not_found);  // not theirs
  a.set_status(u.id, "disabled");
  EXPECT_FALSE(s.find(two.secret));
  a.set_status(u.id, "active");
  EXPECT_FALSE(s.find(two.secret));  // disabling revoked it for good
  accounts::SessionPolicy expired;
  expired.lifetime_s = -1;
  auto old = accounts::Sessions(f.db(), expired).open(u.id, "", "");
  EXPECT_FALSE(s.find(old.secret));
  accounts::SessionPolicy idle;
  idle.idle_s = -1;
  auto live = s.open(u.id, "", "");
  EXPECT_FALSE(accounts::Sessions(f.db(), idle).find(live.secret));
  EXPECT_EQ(s.revoke_all(u.id), 2);  // the live one and the expired one, not revoked till now
}

// The throttle against its rule written out plainly, over random sequences of failures and waits.
TEST(Throttle, WaitsFollowTheRuleOverRandomSequences) {
  Fixture f;
  accounts::ThrottlePolicy p{3, 60, 1000};
  accounts::FailureThrottle t(f.db(), p);
  std::mt19937 rng(7);
  for (int run = 0; run < 20; ++run) {
    std::string key = "account:r" + std::to_string(run);
    int64_t now = 1'000'000, last = 0;
    int n = 0;
    for (int step = 0; step < 40; ++step) {
      now += std::uniform_int_distribution<int>(0, 90)(rng);
      if (last && now - last > p.forget_after_s) n = 0;
      int64_t expected =
          n < p.free_failures
              ? 0
              : std::max<int64_t>(
                    0, last + std::min<int64_t>(int64_t{1} << (n - p.free_failures + 1), p.max_delay_s) - now);
      ASSERT_EQ(t.wait_s(key, now), expected) << "run " << run << " step " << step;
      if (expected == 0 && rng() % 4 != 0)
        t.fail(key, now), ++n, last = now;
      else if (expected == 0 && rng() % 8 == 0)
        t.clear(key), n = 0, last = 0;
    }
  }
}

TEST(Throttle, TheRateLimiterCountsPerWindowAndStaysBounded) {
  Fixture f;
  accounts::RateLimiter r("test", 3, 60);
  EXPECT_TRUE(r.allow(f.db(), "a", 0));
  EXPECT_TRUE(r.allow(f.db(), "a", 1));
  EXPECT_TRUE(r.allow(f.db(), "a", 2));
  EXPECT_FALSE(r.allow(f.db(), "a", 3));
  EXPECT_TRUE(r.allow(f.db(), "a", 61));  // a new window
  for (int i = 0; i < 1000; ++i) r.allow(f.db(), "addr" + std::to_string(i), 100);
  EXPECT_EQ(r.keys(f.db()), 1001);
  EXPECT_TRUE(r.allow(f.db(), "", 161));  // every window began 60 s ago or more: gone
  EXPECT_EQ(r.keys(f.db()), 1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(r.allow(f.db(), "b", 200));
  r.refund(f.db(), "b");  // the third did not count
  EXPECT_TRUE(r.allow(f.db(), "b", 200));
  EXPECT_FALSE(r.allow(f.db(), "b", 200));
  accounts::RateLimiter other("other", 1, 60);  // scopes do not share counts
  EXPECT_TRUE(other.allow(f.db(), "b", 200));
  accounts::forget_rate_key(f.db(), "b");
  EXPECT_TRUE(r.allow(f.db(), "b", 201));
}

// Several servers count against one allowance: 8 threads, each on its own connection to the database, race on
// one key with 50 requests each; exactly the share is allowed.
TEST(Throttle, TheRateLimiterIsSharedByEveryConnection) {
  Fixture f;
  accounts::RateLimiter r("shared", 25, 3600);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      db::Database mine(f.db_path);
      for (int i = 0; i < 50; ++i) allowed += r.allow(mine, "192.0.2.9", 1000);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 25);
}

TEST(Audit, AppendOnlyAndFiltered) {
  Fixture f;
  accounts::audit(f.db(),
                  {0, "2026-11-01T10:00:00Z", "user:1", "Alice", "POST /places", "/places", 201, "192.0.2.1", ""});
  accounts::audit(f.db(),
                  {0, "2026-11-02T10:00:00Z", "token:2", "SIG", "PATCH /places/{id}", "/places/x", 200, "", ""});
  accounts::audit(f.db(), {0, "2026-12-01T10:00:00Z", "user:1", "Alice", "sign_in", "", 200, "", ""});
  EXPECT_EQ(accounts::audit_log(f.db(), {}).total, 3);
  EXPECT_EQ(accounts::audit_log(f.db(), {"user:1"}).total, 2);
  EXPECT_EQ(accounts::audit_log(f.db(), {"", "places"}).total, 2);
  EXPECT_EQ(accounts::audit_log(f.db(), {"", "", "2026-11-02", "2026-12-01"}).total, 1);
  EXPECT_EQ(accounts::audit_log(f.db(), {}).items.front().action, "sign_in");  // newest first
  EXPECT_THROW(f.db().exec("UPDATE audit_log SET actor = 'x'"), Error);
  EXPECT_THROW(f.db().exec("DELETE FROM audit_log"), Error);
}

TEST(Accounts, PersonalDataIsExportedThenErased) {
  Fixture f;
  accounts::Accounts a(f.db());
  auto u = a.add("rgpd@maillage.test", "Rose Gédépé", "invited", {{"member", ""}}, "test");
  a.set_password_hash(u.id, accounts::hash_password("mot-de-passe-rgpd"), true);
  auto s = accounts::Sessions(f.db()).open(u.id, "192.0.2.7", "Firefox");
  accounts::audit(f.db(), {0, "", "user:" + std::to_string(u.id), "Rose Gédépé", "sign_in", "", 200, "192.0.2.7", ""});
  auto before = accounts::personal_data(f.db(), u.id);
  EXPECT_EQ(before["account"]["email"], "rgpd@maillage.test");
  EXPECT_EQ(before["sessions"].size(), 1u);
  EXPECT_EQ(before["actions"].size(), 1u);
  EXPECT_EQ(before["member"]["record"][0]["email"], "rgpd@maillage.test");
  EXPECT_NE(test::stored_bytes(f.db_path).find("rgpd@maillage.test"), std::string::npos);  // the probe can see it
  a.erase(u.id);
  // Not in the database's files either (issue #30): not in a freed page, nor in the WAL, nor in a dead row.
  EXPECT_EQ(test::stored_bytes(f.db_path).find("rgpd@maillage.test"), std::string::npos);
  auto after = accounts::personal_data(f.db(), u.id);
  auto text = after.dump();
  EXPECT_EQ(text.find("rgpd@maillage.test"), std::string::npos);
  EXPECT_EQ(after["account"]["display_name"], "(compte effacé)");
  EXPECT_EQ(after["member"]["record"][0]["name"], "(effacé)");
  EXPECT_EQ(after["account"]["status"], "disabled");
  EXPECT_FALSE(accounts::Sessions(f.db()).find(s.secret));
  EXPECT_FALSE(a.find_email("rgpd@maillage.test"));
  EXPECT_EQ(a.credentials(u.id).first, "");
}
