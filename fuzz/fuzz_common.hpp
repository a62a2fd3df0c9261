#pragma once
// Shared by the libFuzzer targets: a scratch folder, a registry seeded once from the bundled places, and the
// validator. Expected refusals are maillage::Error (InputError, NotFound, ...): anything else that escapes, a
// crash, a leak or undefined behaviour is a finding.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "registry/io_formats.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::fuzz {

inline const std::string& scratch() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "maillage-fuzz-XXXXXX").string();
    return std::string(mkdtemp(tmpl.data()));
  }();
  return dir;
}

inline std::string write_scratch(const std::string& name, std::string_view data) {
  auto path = scratch() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(data.data(), static_cast<std::streamsize>(data.size()));
  return path;
}

inline const registry::Validator& validator() {
  static const registry::Validator v(territory::CommuneTable::bundled(), territory::Outline::bundled_region(),
                                     "2026-11-30");
  return v;
}

// A registry holding the bundled places (so that imports match, update and find duplicates).
inline registry::PlaceStore& seeded_store() {
  static std::unique_ptr<registry::PlaceStore> store = [] {
    auto s = std::make_unique<registry::PlaceStore>(scratch() + "/seeded.db", &territory::CommuneTable::bundled());
    registry::ImportOptions o;
    o.origin = "fuzz seed";
    registry::import_file(*s, validator(), paths::data_file("tiers_lieux/places_na.csv"), o);
    return s;
  }();
  return *store;
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace maillage::fuzz
