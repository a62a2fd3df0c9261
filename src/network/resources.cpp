#include "network/resources.hpp"

#include "network/checks.hpp"

#include <libstemmer.h>
#include <magic.h>
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::network {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using detail::clean;
using detail::refuse;

// The types a resource may have, told by libmagic from the bytes, with the extension of the served name.
const std::map<std::string, std::string>& allowed_types() {
  static const std::map<std::string, std::string> t = {
      {"application/pdf", ".pdf"},
      {"application/vnd.oasis.opendocument.text", ".odt"},
      {"application/vnd.oasis.opendocument.spreadsheet", ".ods"},
      {"application/vnd.oasis.opendocument.presentation", ".odp"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
      {"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"},
      {"text/plain", ".txt"},
      {"text/csv", ".csv"},
      {"image/png", ".png"},
      {"image/jpeg", ".jpg"}};
  return t;
}

std::string mime_of(std::string_view bytes) {
  struct Magic {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    Magic() {
      if (!m || magic_load(m, nullptr) != 0) throw Error("libmagic: cannot load its database");
    }
    ~Magic() { magic_close(m); }
  };
  thread_local Magic magic;
  const char* type = magic_buffer(magic.m, bytes.data(), bytes.size());
  return type ? type : "application/octet-stream";
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string out;
  for (auto b : h) out += fmt::format("{:02x}", b);
  return out;
}

// A file name safe to store and to serve: letters, digits, - _ . (accents folded), the type's extension.
std::string safe_name(const std::string& raw, const std::string& ext) {
  auto stem = fs::path(raw).stem().string();
  std::string out;
  for (char c : text::fold(stem)) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  if (out.empty()) out = "document";
  if (out.size() > 80) out.resize(80);
  return out + ext;
}

// The text of a file, for the search: text as it is, a PDF through pdftotext (poppler-utils) when installed.
std::string text_of(const std::string& path, const std::string& type, std::string_view bytes) {
  if (type == "text/plain" || type == "text/csv")
    return text::is_valid_utf8(bytes) ? std::string(bytes) : std::string();
  if (type != "application/pdf") return {};
  // The path is ours (the storage folder and a hex digest): nothing from the client reaches the command line.
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("pdftotext -q -enc UTF-8 '" + path + "' - 2>/dev/null").c_str(), "r"),
                                          pclose);
  if (!p) return {};
  std::string out;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0 && out.size() < (size_t{2} << 20)) out.append(buf, n);
  return text::is_valid_utf8(out) ? out : std::string();
}

constexpr const char* kColumns =
    "r.id, r.title, r.summary, r.themes, r.audience, r.url, r.created_at, r.created_by, r.updated_at, r.downloads";

Resource read_resource(db::Statement& st) {
  Resource r;
  r.id = st.int64(0);
  r.title = st.text(1), r.summary = st.text(2), r.themes = st.text(3), r.audience = st.text(4), r.url = st.text(5);
  r.created_at = st.text(6), r.created_by = st.text(7), r.updated_at = st.text(8);
  r.downloads = st.int64(9);
  return r;
}

}  // namespace

std::string french_stems(std::string_view input) {
  struct Stemmer {
    sb_stemmer* s = sb_stemmer_new("french", "UTF_8");
    ~Stemmer() { sb_stemmer_delete(s); }
  };
  thread_local Stemmer stemmer;
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    auto* stem =
        sb_stemmer_stem(stemmer.s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    auto folded = text::fold(std::string(reinterpret_cast<const char*>(stem), sb_stemmer_length(stemmer.s)));
    if (!folded.empty()) out += (out.empty() ? "" : " ") + folded;
    word.clear();
  };
  for (unsigned char c : input) {
    if (std::isalnum(c) || c >= 0x80)
      word += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
    else
      flush();
  }
  flush();
  return out;
}

int64_t Resources::add(Resource r) {
  r.title = clean("title", r.title, 300);
  if (r.title.empty()) refuse("title", "a resource needs a title");
  r.summary = clean("summary", r.summary, 5000, true);
  r.themes = text::join(text::split_list(clean("themes", r.themes, 500), ";,"), ";");
  if (r.audience != "public" && r.audience != "members") refuse("audience", "public or members");
  r.url = clean("url", r.url, 2000);
  if (!r.url.empty() && r.url.rfind("https://", 0) != 0 && r.url.rfind("http://", 0) != 0)
    refuse("url", "a web address (http or https)");
  db::Transaction t(store_.db());
  auto now = date::now_utc();
  auto st = store_.db().prepare(
      "INSERT INTO library_resources (title, summary, themes, audience, url, created_at, created_by, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, r.title).bind(2, r.summary, false).bind(3, r.themes, false).bind(4, r.audience).bind(5, r.url, false);
  st.bind(6, now).bind(7, r.created_by, false).bind(8, now);
  st.step();
  auto id = st.int64(0);
  index(id, "");
  t.commit();
  return id;
}

void Resources::index(int64_t id, const std::string& body) {
  auto r = store_.db().prepare("SELECT title, summary, themes FROM library_resources WHERE id = ?");
  r.bind(1, id);
  if (!r.step()) return;
  auto del = store_.db().prepare("DELETE FROM library_fts WHERE rowid = ?");
  del.bind(1, id);
  del.run();
  auto st = store_.db().prepare("INSERT INTO library_fts (rowid, title, summary, themes, body) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, id).bind(2, french_stems(r.text(0)), false).bind(3, french_stems(r.text(1)), false);
  st.bind(4, french_stems(r.text(2)), false).bind(5, french_stems(body), false);
  st.run();
}

ResourceVersion Resources::add_version(int64_t resource_id, const std::string& filename, std::string_view bytes,
                                       const std::string& by) {
  if (bytes.empty()) refuse("file", "the file is empty");
  if (bytes.size() > kMaxResourceBytes)
    refuse("file", fmt::format("a file is at most {} MiB", kMaxResourceBytes >> 20));
  auto type = mime_of(bytes);
  auto it = allowed_types().find(type);
  if (it == allowed_types().end())
    refuse("file",
           fmt::format("files of type {} are not accepted (PDF, OpenDocument, Office, text, CSV, PNG, JPEG)", type));
  ResourceVersion v;
  v.resource_id = resource_id;
  v.content_type = type;
  v.filename = safe_name(clean("filename", filename, 300), it->second);
  v.size = static_cast<int64_t>(bytes.size());
  v.sha256 = sha256_hex(bytes);
  v.uploaded_by = by;
  v.uploaded_at = date::now_utc();
  fs::create_directories(storage_);
  auto path = (fs::path(storage_) / v.sha256).string();
  if (!fs::exists(path)) {
    auto tmp = path + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary);
      f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!f) throw Error(fmt::format("{}: cannot write", tmp));
    }
    fs::rename(tmp, path);
  }
  db::Transaction t(store_.db());
  if (!get(resource_id, true)) throw NotFound(fmt::format("no resource {}", resource_id), Errc::resource_not_found);
  auto next = store_.db().prepare("SELECT coalesce(max(version), 0) + 1 FROM library_versions WHERE resource_id = ?");
  next.bind(1, resource_id);
  next.step();
  v.version = static_cast<int>(next.int64(0));
  auto st = store_.db().prepare(
      "INSERT INTO library_versions (resource_id, version, filename, content_type, size, sha256, uploaded_at, "
      "uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, resource_id).bind(2, int64_t{v.version}).bind(3, v.filename).bind(4, v.content_type).bind(5, v.size);
  st.bind(6, v.sha256).bind(7, v.uploaded_at).bind(8, by);
  st.run();
  auto up = store_.db().prepare("UPDATE library_resources SET updated_at = ? WHERE id = ?");
  up.bind(1, v.uploaded_at).bind(2, resource_id);
  up.run();
  index(resource_id, text_of(path, type, bytes));
  t.commit();
  return v;
}

std::vector<ResourceVersion> Resources::versions(int64_t id) {
  auto st = store_.db().prepare(
      "SELECT id, resource_id, version, filename, content_type, sha256, uploaded_at, uploaded_by, size "
      "FROM library_versions WHERE resource_id = ? ORDER BY version");
  st.bind(1, id);
  std::vector<ResourceVersion> out;
  while (st.step())
    out.push_back({st.int64(0), st.int64(1), static_cast<int>(st.int64(2)), st.text(3), st.text(4), st.text(5),
                   st.text(6), st.text(7), st.int64(8)});
  return out;
}

std::optional<Resource> Resources::get(int64_t id, bool members) {
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM library_resources r WHERE r.id = ?", kColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  auto r = read_resource(st);
  if (r.audience == "members" && !members) return std::nullopt;
  auto v = versions(id);
  if (!v.empty()) r.latest = v.back();
  return r;
}

std::vector<Resource> Resources::search(const std::string& query, const std::string& theme, bool members) {
  auto stems = text::split_list(french_stems(query), " ");
  std::string match;
  for (auto& s : stems) {
    if (!match.empty()) match += ' ';
    match.append("\"").append(s).append("\"");  // each stem as a phrase: no FTS5 syntax from the query
  }
  // The same words match on both backends (Snowball stems, folded); the title weighs 10, the summary and themes 4,
  // the body 1: bm25's weights on SQLite, ts_rank's weights of A, B and D on PostgreSQL (db/dialect.hpp).
  const bool pg = store_.db().backend() == db::Backend::PostgreSQL;
  auto st =
      match.empty() ? store_.db().prepare(fmt::format(
                          "SELECT {} FROM library_resources r ORDER BY r.updated_at DESC, r.id DESC", kColumns))
      : pg
          ? store_.db().prepare(fmt::format("SELECT {} FROM library_fts f JOIN library_resources r ON r.id = f.rowid "
                                            "WHERE f.document @@ plainto_tsquery('simple', ?1) "
                                            "ORDER BY ts_rank(f.document, plainto_tsquery('simple', ?1), 0) DESC, r.id",
                                            kColumns))
          : store_.db().prepare(fmt::format(
                "SELECT {} FROM library_fts f JOIN library_resources r ON r.id = f.rowid WHERE library_fts MATCH ? "
                "ORDER BY bm25(library_fts, 10.0, 4.0, 4.0, 1.0), r.id",
                kColumns));
  if (!match.empty()) st.bind(1, pg ? text::join(stems, " ") : match);
  std::vector<Resource> out;
  auto want_theme = text::fold(theme);
  while (st.step()) {
    auto r = read_resource(st);
    if (r.audience == "members" && !members) continue;
    if (!want_theme.empty()) {
      bool found = false;
      for (auto& t : text::split_list(r.themes, ";")) found = found || text::fold(t) == want_theme;
      if (!found) continue;
    }
    auto v = versions(r.id);
    if (!v.empty()) r.latest = v.back();
    out.push_back(std::move(r));
  }
  return out;
}

Resources::File Resources::download(int64_t id, int version, bool members) {
  auto r = get(id, members);
  if (!r) throw NotFound("no such resource", Errc::resource_not_found);
  auto all = versions(id);
  const ResourceVersion* v = nullptr;
  for (auto& x : all)
    if (version == 0 ? true : x.version == version) v = &x;
  if (!v) throw NotFound("no such version", Errc::resource_not_found);
  // Read as stored, byte for byte (io::read_file would open a gzip stream).
  std::ifstream f(fs::path(storage_) / v->sha256, std::ios::binary);
  if (!f) throw Error(fmt::format("resource {} version {}: its file is missing from {}", id, v->version, storage_));
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto up = store_.db().prepare("UPDATE library_resources SET downloads = downloads + 1 WHERE id = ?");
  up.bind(1, id);
  up.run();
  return {std::move(bytes), v->content_type, v->filename};
}

json to_json(const ResourceVersion& v) {
  return {{"version", v.version}, {"filename", v.filename}, {"content_type", v.content_type},
          {"size", v.size},       {"sha256", v.sha256},     {"uploaded_at", v.uploaded_at}};
}

json to_json(const Resource& r) {
  return {{"id", r.id},
          {"title", r.title},
          {"summary", r.summary},
          {"themes", text::split_list(r.themes, ";")},
          {"audience", r.audience},
          {"url", r.url.empty() ? json() : json(r.url)},
          {"downloads", r.downloads},
          {"updated_at", r.updated_at},
          {"latest", r.latest ? to_json(*r.latest) : json()}};
}

}  // namespace maillage::network
