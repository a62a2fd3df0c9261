// The readers of the real sources (GoGoCarto CSV and JSON, the national mednum schema JSON and CSV): the first
// byte chooses the format and whether only the tiers-lieux-like rows are kept; the rest is the file.
#include "fuzz_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto text = maillage::fuzz::as_text(data + 1, size - 1);
  std::vector<maillage::registry::Problem> problems;
  maillage::registry::SourceOptions o;
  o.only_tiers_lieux = data[0] & 2;
  auto format = data[0] & 1 ? maillage::registry::Format::Mednum : maillage::registry::Format::GoGoCarto;
  try {
    maillage::registry::SourceSummary summary;
    auto records = maillage::registry::parse_records(text, "fuzz-input", format, problems, nullptr, o, &summary);
    if (summary.filtered_out > summary.rows) __builtin_trap();
  } catch (const maillage::Error&) {
  }
  maillage::fuzz::import_dry_run(text, format);
  return 0;
}
