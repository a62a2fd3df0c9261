#pragma once
#include <string>

namespace maillage::io {

// Reads a whole file; gzip-compressed files (magic bytes 1f 8b) are decompressed. Throws Error naming the file.
std::string read_file(const std::string& path);
// Writes a file atomically (temporary file in the same folder, then rename).
void write_file_atomic(const std::string& path, const std::string& content);
bool exists(const std::string& path);

}  // namespace maillage::io
