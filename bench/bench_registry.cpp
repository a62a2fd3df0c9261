// Registry benchmarks (issue #2): import throughput for 20,000 generated rows (target < 1 s) and filtered-list
// latency on 20,000 places (target < 5 ms). Rows are generated with a fixed seed from the real commune table
// and go through the whole import path (CSV parsing, validation with the region outline, matching, SQLite).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "registry/io_formats.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

using namespace maillage;
using namespace maillage::registry;

namespace {

std::string luhn_siret(std::mt19937& rng) {
  std::string s;
  for (int i = 0; i < 13; ++i) s += static_cast<char>('0' + rng() % 10);
  for (char last = '0'; last <= '9'; ++last)
    if (siret_checksum_ok(s + last)) return s + last;
  return {};
}

// A Maillage CSV of n places spread over the region's communes.
std::string generate(int n, unsigned seed) {
  std::mt19937 rng(seed);
  auto& communes = territory::CommuneTable::bundled().all();
  std::ostringstream out;
  csv::Writer w(out);
  w.row({"id", "name", "siret", "types", "status", "opening_date", "insee_code", "lon", "lat", "staff_fte",
         "seats_dropin", "services"});
  const char* types[] = {"coworking", "fablab", "hybride", "coworking;fablab", "atelier_partage", "telecentre"};
  const char* words[] = {"Atelier", "Ruche", "Fabrique", "Cowork", "Lab", "Grange", "Gare", "Moulin", "Forge"};
  std::uniform_real_distribution<double> jitter(-0.004, 0.004);
  for (int i = 0; i < n; ++i) {
    auto& c = communes[rng() % communes.size()];
    int status = rng() % 10;
    w.row({fmt::format("gen-{:06}", i), fmt::format("{} {} {}", words[rng() % 9], c.name, i),
           i % 3 == 0 ? luhn_siret(rng) : "", types[rng() % 6],
           status < 8   ? "open"
           : status < 9 ? "project"
                        : "closed",
           status < 8 ? fmt::format("{}-{:02}-01", 2005 + rng() % 19, 1 + rng() % 12) : "", c.code,
           fmt::format("{:.6f}", c.centre.lon + jitter(rng)), fmt::format("{:.6f}", c.centre.lat + jitter(rng)),
           fmt::format("{:.1f}", (rng() % 40) / 10.0), std::to_string(rng() % 12), "wifi;fibre"});
  }
  return out.str();
}

const Validator& validator() {
  static const Validator v(territory::CommuneTable::bundled(), territory::Outline::bundled_region(), "2026-06-01");
  return v;
}

std::string tmp(const std::string& name) { return (std::filesystem::temp_directory_path() / name).string(); }

void remove_db(const std::string& db) {
  for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(db + ext);
}

void BM_Import20k(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto file = tmp("maillage-bench-import.csv");
  std::ofstream(file) << generate(n, 42);
  validator();  // loads the commune table and outline outside the timing
  auto db = tmp("maillage-bench-import.db");
  for (auto _ : state) {
    state.PauseTiming();
    remove_db(db);
    PlaceStore store(db, &territory::CommuneTable::bundled());
    state.ResumeTiming();
    auto rep = import_file(store, validator(), file, {});
    if (!rep.committed || rep.inserted != n) state.SkipWithError("import failed");
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(n) * state.iterations(), benchmark::Counter::kIsRate);
  remove_db(db);
}
BENCHMARK(BM_Import20k)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(3)
    ->ReportAggregatesOnly(false)
    ->UseRealTime();

// Re-importing an unchanged file: every row matched, compared and left alone.
void BM_Reimport20kUnchanged(benchmark::State& state) {
  auto file = tmp("maillage-bench-reimport.csv");
  std::ofstream(file) << generate(20000, 42);
  auto db = tmp("maillage-bench-reimport.db");
  remove_db(db);
  PlaceStore store(db, &territory::CommuneTable::bundled());
  import_file(store, validator(), file, {});
  for (auto _ : state) {
    auto rep = import_file(store, validator(), file, {});
    if (rep.unchanged != 20000) state.SkipWithError("expected every row unchanged");
  }
  remove_db(db);
}
BENCHMARK(BM_Reimport20kUnchanged)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

struct ListFixture {
  std::string db = tmp("maillage-bench-list.db");
  std::unique_ptr<PlaceStore> store;
  ListFixture() {
    remove_db(db);
    auto file = tmp("maillage-bench-list.csv");
    std::ofstream(file) << generate(20000, 7);
    store = std::make_unique<PlaceStore>(db, &territory::CommuneTable::bundled());
    import_file(*store, validator(), file, {});
  }
};
ListFixture& list_fixture() {
  static ListFixture f;
  return f;
}

void BM_List(benchmark::State& state, PlaceFilter filter) {
  auto& store = *list_fixture().store;
  size_t n = 0;
  for (auto _ : state) {
    auto v = store.list(filter);
    n = v.size();
    benchmark::DoNotOptimize(v);
  }
  state.counters["results"] = static_cast<double>(n);
}

PlaceFilter dep_type() {
  PlaceFilter f;
  f.department = "33";
  f.types_any = 1u << 0;
  return f;
}
PlaceFilter text_search() {
  PlaceFilter f;
  f.text = "fabrique limoges";
  return f;
}
PlaceFilter open_on_page() {
  PlaceFilter f;
  f.open_on = "2015-06-01";
  f.limit = 50;
  return f;
}
PlaceFilter bbox_open() {
  PlaceFilter f;
  f.bbox = PlaceFilter::BBox{-0.7, 44.7, -0.4, 45.0};
  f.open_on = "2024-01-01";
  return f;
}
PlaceFilter commune() {
  PlaceFilter f;
  f.insee_code = "33063";
  return f;
}
PlaceFilter everything() { return {}; }

BENCHMARK_CAPTURE(BM_List, department_and_type, dep_type())->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_List, text_two_words, text_search())->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_List, open_on_first_page_of_50, open_on_page())->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_List, bbox_and_open_on, bbox_open())->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_List, one_commune, commune())->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_List, all_20000_unfiltered, everything())->Unit(benchmark::kMicrosecond);

// The first list after a write reloads the in-memory copy (a write elsewhere bumps the revision).
void BM_ListAfterWrite(benchmark::State& state) {
  auto& store = *list_fixture().store;
  for (auto _ : state) {
    store.db().exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'");
    benchmark::DoNotOptimize(store.list(dep_type()));
  }
}
BENCHMARK(BM_ListAfterWrite)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
