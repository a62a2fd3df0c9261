// CSV import, both formats (the regional data dictionary and Maillage's CSV, told by the header): CSV parsing,
// every field rule, matching, duplicates.
#include "fuzz_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  maillage::fuzz::import_dry_run(maillage::fuzz::as_text(data, size), maillage::registry::Format::Auto);
  return 0;
}
