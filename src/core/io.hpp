#pragma once
#include <string>
#include <string_view>

namespace maillage::io {

// Reads a whole file; gzip-compressed files (magic bytes 1f 8b) are decompressed, at most `max_bytes` of them
// (a small .gz can hold gigabytes): past it, Error naming the file and the limit. Throws Error naming the file.
constexpr size_t kDefaultMaxRead = size_t{256} << 20;
std::string read_file(const std::string& path, size_t max_bytes = kDefaultMaxRead);
// Writes a file atomically (temporary file in the same folder, then rename).
void write_file_atomic(const std::string& path, const std::string& content);
bool exists(const std::string& path);
// gzip (RFC 1952) of a buffer; level 1 (fastest) to 9 (smallest).
std::string gzip(std::string_view data, int level = 6);

}  // namespace maillage::io
