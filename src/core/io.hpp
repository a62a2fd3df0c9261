#pragma once
#include <string>
#include <string_view>

namespace maillage::io {

// Reads a whole file; gzip-compressed files (magic bytes 1f 8b) are decompressed. Throws Error naming the file.
std::string read_file(const std::string& path);
// Writes a file atomically (temporary file in the same folder, then rename).
void write_file_atomic(const std::string& path, const std::string& content);
bool exists(const std::string& path);
// gzip (RFC 1952) of a buffer; level 1 (fastest) to 9 (smallest).
std::string gzip(std::string_view data, int level = 6);

}  // namespace maillage::io
