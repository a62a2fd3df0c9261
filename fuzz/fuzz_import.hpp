#pragma once
// One import of a file's content in the given format: parsed, checked and matched against the seeded registry
// as a dry run (nothing written). Refusals are values (problems) or maillage::Error.
#include "fuzz_common.hpp"

namespace maillage::fuzz {

inline void import_dry_run(std::string_view content, registry::Format format) {
  std::vector<registry::Problem> problems;
  try {
    auto records = registry::parse_records(content, "fuzz-input", format, problems);
    registry::ImportOptions o;
    o.dry_run = true;
    o.skip_invalid = !content.empty() && content.front() == 'i';
    auto rep = registry::import_records(seeded_store(), validator(), std::move(records), o, std::move(problems));
    if (rep.committed && rep.inserted + rep.updated > 0 && !o.dry_run) __builtin_trap();
    for (auto& p : rep.problems) (void)p.str();
  } catch (const Error&) {}
}

}  // namespace maillage::fuzz
