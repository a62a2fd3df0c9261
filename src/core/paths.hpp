#pragma once
#include <string>

namespace maillage::paths {

// The bundled data folder: $MAILLAGE_DATA, else the folder fixed at build time (the source tree's data/).
std::string data_dir();
// A file inside the bundled data folder; throws Error with a hint when it is missing.
std::string data_file(const std::string& relative);

}  // namespace maillage::paths
