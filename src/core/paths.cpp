#include "core/paths.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"

namespace maillage::paths {

std::string data_dir() {
  if (const char* d = std::getenv("MAILLAGE_DATA"); d && *d) return d;
  return MAILLAGE_DATA_DIR;
}

std::string data_file(const std::string& relative) {
  std::string p = data_dir() + "/" + relative;
  if (!std::filesystem::exists(p))
    throw Error(p + ": bundled data file not found (set MAILLAGE_DATA to the repository's data/ folder)");
  return p;
}

}  // namespace maillage::paths
