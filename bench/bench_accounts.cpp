// Accounts benchmarks (issue #20): what a sign-in costs (one Argon2id hash: the parameters are chosen so that it
// stays near 0.1 s on one core), and what every signed request pays on top of its own work: the session cookie
// looked up (one indexed SELECT of its hash, the account's status and roles), against the bearer-token lookup
// as the baseline, in the same run. Also the audit row written after every write.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "api/tokens.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
// A database with 2,000 accounts holding 10,000 live sessions, and 200 tokens.
struct Db {
  std::string path = (std::filesystem::temp_directory_path() / "maillage-bench-accounts.db").string();
  std::unique_ptr<registry::PlaceStore> store;
  std::vector<std::string> cookies, tokens;
  Db() {
    for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    store = std::make_unique<registry::PlaceStore>(path, &territory::CommuneTable::bundled());
    auto& db = store->db();
    accounts::Accounts a(db);
    accounts::Sessions s(db);
    auto hash = accounts::hash_password("un mot de passe de banc");
    db::Transaction t(db);
    for (int i = 0; i < 2000; ++i) {
      auto u =
          a.add("personne" + std::to_string(i) + "@maillage.test", "Personne", "invited", {{"member", ""}}, "bench");
      a.set_password_hash(u.id, hash, true);
      for (int k = 0; k < 5; ++k) cookies.push_back(s.open(u.id, "192.0.2.1", "bench").secret);
    }
    for (int i = 0; i < 200; ++i) tokens.push_back(api::create_token(db, "editor", "bench"));
    t.commit();
  }
};
Db& fixture() {
  static Db d;
  return d;
}
}  // namespace

static void BM_HashPassword(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(accounts::hash_password("un mot de passe de banc"));
}
BENCHMARK(BM_HashPassword)->Unit(benchmark::kMillisecond)->Iterations(10);

static void BM_VerifyPassword(benchmark::State& st) {
  auto h = accounts::hash_password("un mot de passe de banc");
  for (auto _ : st) benchmark::DoNotOptimize(accounts::verify_password(h, "un mot de passe de banc"));
}
BENCHMARK(BM_VerifyPassword)->Unit(benchmark::kMillisecond)->Iterations(10);

static void BM_SessionLookup(benchmark::State& st) {
  auto& d = fixture();
  accounts::Sessions s(d.store->db());
  size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(s.find(d.cookies[i++ % d.cookies.size()]));
}
BENCHMARK(BM_SessionLookup)->Unit(benchmark::kMicrosecond);

static void BM_SessionLookupWithRoles(benchmark::State& st) {
  auto& d = fixture();
  accounts::Sessions s(d.store->db());
  accounts::Accounts a(d.store->db());
  size_t i = 0;
  for (auto _ : st) {
    auto x = s.find(d.cookies[i++ % d.cookies.size()]);
    benchmark::DoNotOptimize(a.get(x->user_id));
  }
}
BENCHMARK(BM_SessionLookupWithRoles)->Unit(benchmark::kMicrosecond);

static void BM_TokenLookup_Baseline(benchmark::State& st) {
  auto& d = fixture();
  size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(api::verify_token(d.store->db(), d.tokens[i++ % d.tokens.size()]));
}
BENCHMARK(BM_TokenLookup_Baseline)->Unit(benchmark::kMicrosecond);

static void BM_AuditRow(benchmark::State& st) {
  auto& d = fixture();
  for (auto _ : st)
    accounts::audit(d.store->db(),
                    {0, "", "user:1", "Personne", "PATCH /places/{id}", "/places/x", 200, "192.0.2.1", ""});
}
BENCHMARK(BM_AuditRow)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
