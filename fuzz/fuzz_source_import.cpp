// The readers of the real sources (GoGoCarto CSV and JSON, the national mednum schema JSON and CSV): the first
// byte chooses the format and whether only the tiers-lieux-like rows are kept; the rest is the file. With bit 4 of
// the first byte, the rest is a population grid (Eurostat or INSEE Filosofi columns) instead: every point read must
// have a finite position on the globe and a finite, non-negative population.
#include <cmath>

#include "core/csv.hpp"
#include "fuzz_import.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto text = maillage::fuzz::as_text(data + 1, size - 1);
  if (data[0] & 4) {
    try {
      auto grid = maillage::territory::grid_from_table(maillage::csv::parse(text, "fuzz-grid"), "fuzz-grid",
                                                       maillage::territory::CommuneTable::bundled());
      for (auto& p : grid.points)
        if (!std::isfinite(p.at.lon) || !std::isfinite(p.at.lat) || std::abs(p.at.lat) > 90 ||
            !std::isfinite(p.population) || p.population < 0)
          __builtin_trap();
    } catch (const maillage::Error&) {}
    return 0;
  }
  std::vector<maillage::registry::Problem> problems;
  maillage::registry::SourceOptions o;
  o.only_tiers_lieux = data[0] & 2;
  auto format = data[0] & 1 ? maillage::registry::Format::Mednum : maillage::registry::Format::GoGoCarto;
  try {
    maillage::registry::SourceSummary summary;
    auto records = maillage::registry::parse_records(text, "fuzz-input", format, problems, nullptr, o, &summary);
    if (summary.filtered_out > summary.rows) __builtin_trap();
  } catch (const maillage::Error&) {}
  maillage::fuzz::import_dry_run(text, format);
  return 0;
}
