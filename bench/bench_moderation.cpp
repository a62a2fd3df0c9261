// The directory's checks at the size of France (about 20,000 places): the likely duplicates of one proposal
// (a scan of the registry, on every anonymous submission), every suspected pair for the quality report (commune
// groups and a 200 m grid) against the all-pairs baseline in the same run, and the whole quality report.
// Places are generated with a fixed seed at the region's commune centres (some names repeated on purpose).
#include <benchmark/benchmark.h>

#include <map>
#include <random>

#include <fmt/format.h>

#include "moderation/moderation.hpp"
#include "moderation/quality.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {

const std::vector<registry::Place>& places(size_t n) {
  static std::map<size_t, std::vector<registry::Place>> made;
  auto& v = made[n];
  if (!v.empty()) return v;
  std::mt19937 rng(16);
  auto& communes = territory::CommuneTable::bundled().all();
  const char* words[] = {"Atelier", "Ruche", "Fabrique", "Cowork", "Lab", "Grange", "Gare", "Moulin", "Forge"};
  std::uniform_real_distribution<double> jitter(-0.01, 0.01);
  for (size_t i = 0; i < n; ++i) {
    auto& c = communes[rng() % communes.size()];
    registry::Place p;
    p.id = fmt::format("gen-{:06}", i);
    p.name = i % 50 == 0 ? fmt::format("La {} {}", words[rng() % 9], c.name)
                         : fmt::format("{} {} {}", words[rng() % 9], c.name, i);
    p.insee_code = c.code;
    p.lon = c.centre.lon + jitter(rng), p.lat = c.centre.lat + jitter(rng);
    v.push_back(p);
  }
  return v;
}

void BM_LikelyDuplicatesOfOneProposal(benchmark::State& st) {
  auto& all = places(st.range(0));
  auto& communes = territory::CommuneTable::bundled();
  registry::Place p = all[all.size() / 2];
  p.id.clear();
  for (auto _ : st) benchmark::DoNotOptimize(moderation::likely_duplicates(p, all, communes));
}
BENCHMARK(BM_LikelyDuplicatesOfOneProposal)->Arg(207)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_DuplicatePairsGrid(benchmark::State& st) {
  auto& all = places(st.range(0));
  size_t found = 0;
  for (auto _ : st) found = moderation::duplicate_pairs(all, territory::CommuneTable::bundled()).size();
  st.counters["pairs"] = static_cast<double>(found);
}
BENCHMARK(BM_DuplicatePairsGrid)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

// The baseline: the rule applied to every pair.
void BM_DuplicatePairsAllPairs(benchmark::State& st) {
  auto& all = places(st.range(0));
  auto& communes = territory::CommuneTable::bundled();
  size_t found = 0;
  for (auto _ : st) {
    found = 0;
    for (size_t i = 0; i < all.size(); ++i)
      for (size_t j = i + 1; j < all.size(); ++j)
        found += moderation::likely_duplicate(all[i], all[j], communes).has_value();
  }
  st.counters["pairs"] = static_cast<double>(found);
}
BENCHMARK(BM_DuplicatePairsAllPairs)->Arg(2000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_QualityReport(benchmark::State& st) {
  auto& all = places(st.range(0));
  for (auto _ : st)
    benchmark::DoNotOptimize(moderation::quality_report(all, {}, territory::CommuneTable::bundled(), {}, "2026-11-30"));
}
BENCHMARK(BM_QualityReport)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
