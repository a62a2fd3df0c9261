// GeoJSON import: JSON parsing, features and properties, the same field rules as CSV.
#include "fuzz_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  maillage::fuzz::import_dry_run(maillage::fuzz::as_text(data, size), maillage::registry::Format::GeoJSON);
  return 0;
}
