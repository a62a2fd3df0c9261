#pragma once
// The network's library of resources for project holders (guides, model statutes, business plans, benchmarks):
// documents with versions and links, for the public or for members, searched in French (SQLite FTS5 over the
// Snowball stems of the title, summary, themes and the text of the file), downloads counted. Files are stored
// outside the web root, named by their SHA-256, their type told by libmagic (not by the name a client gives).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/store.hpp"

namespace maillage::network {

inline constexpr size_t kMaxResourceBytes = size_t{20} << 20;

struct ResourceVersion {
  int64_t id = 0, resource_id = 0;
  int version = 0;
  std::string filename, content_type, sha256, uploaded_at, uploaded_by;
  int64_t size = 0;
};

struct Resource {
  int64_t id = 0;
  std::string title, summary, themes, audience = "public", url, created_at, created_by, updated_at;
  int64_t downloads = 0;
  std::optional<ResourceVersion> latest;
  std::string snippet;  // search: the matching passage
};

class Resources {
 public:
  // `storage`: the folder of the files (created when missing), e.g. next to the database.
  Resources(registry::PlaceStore& store, std::string storage) : store_(store), storage_(std::move(storage)) {}
  int64_t add(Resource r);  // InputError naming the field
  // A new version of the file: the type from its content (PDF, OpenDocument, Office Open XML, text, CSV, PNG,
  // JPEG), at most kMaxResourceBytes; its text indexed. InputError ("file") otherwise.
  ResourceVersion add_version(int64_t resource_id, const std::string& filename, std::string_view bytes,
                              const std::string& by);
  std::optional<Resource> get(int64_t id, bool members);
  // Search (words in French, any form: "statut" finds "statuts"); empty query: all, newest first.
  std::vector<Resource> search(const std::string& query, const std::string& theme, bool members);
  std::vector<ResourceVersion> versions(int64_t id);
  // The file of a version (0: the latest), counted as a download. NotFound when none or not visible.
  struct File {
    std::string bytes, content_type, filename;
  };
  File download(int64_t id, int version, bool members);

 private:
  void index(int64_t id, const std::string& body);
  registry::PlaceStore& store_;
  std::string storage_;
};

// The Snowball French stems of a text's words, accents folded, separated by spaces.
std::string french_stems(std::string_view text);

nlohmann::json to_json(const Resource& r);
nlohmann::json to_json(const ResourceVersion& v);

}  // namespace maillage::network
