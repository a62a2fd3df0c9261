#include "registry/listing.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

namespace maillage::registry {

std::vector<CharterVersion> charter_versions(db::Database& db) {
  auto st = db.prepare(
      "SELECT version, adopted_on, text, created_at, created_by FROM charter_versions ORDER BY adopted_on, version");
  std::vector<CharterVersion> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)});
  return out;
}

std::string current_charter(db::Database& db, const std::string& date) {
  auto st = db.prepare(
      "SELECT version FROM charter_versions WHERE adopted_on <= ? ORDER BY adopted_on DESC, version DESC LIMIT 1");
  st.bind(1, date);
  return st.step() ? st.text(0) : std::string();
}

void adopt_charter(PlaceStore& store, const CharterVersion& v) {
  auto refuse = [](const char* field, const std::string& why) { throw InputError(field, why); };
  auto version = std::string(text::trim(v.version));
  if (version.empty() || version.size() > 40) refuse("version", "a version name of 1 to 40 characters");
  if (auto why = text::text_problem(version, false); !why.empty()) refuse("version", why);
  std::string why;
  auto d = date::parse(v.adopted_on, why, false);
  if (!d) refuse("adopted_on", why);
  if (text::trim(v.text).empty()) refuse("text", "the charter's text is required");
  if (v.text.size() > 200000) refuse("text", "the text is over 200,000 bytes");
  if (auto w = text::text_problem(v.text, true); !w.empty()) refuse("text", w);
  db::Transaction t(store.db());
  auto exists = store.db().prepare("SELECT 1 FROM charter_versions WHERE version = ?");
  exists.bind(1, version);
  if (exists.step())
    refuse("version", fmt::format("version '{}' exists already (versions are never rewritten)", version));
  auto st = store.db().prepare(
      "INSERT INTO charter_versions (version, adopted_on, text, created_at, created_by) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, version).bind(2, d->iso).bind(3, v.text).bind(4, date::now_utc()).bind(5, v.created_by, false);
  st.run();
  store.next_revision();
  t.commit();
}

Listing listing(const Place& p, const std::string& date, const std::string& current) {
  Listing out;
  if (!p.open_on(date)) out.failures.push_back({"status", fmt::format("le lieu n'est pas ouvert le {}", date)});
  if (current.empty())
    out.failures.push_back({"charter", "aucune version de la charte du réseau n'est adoptée"});
  else if (p.charter_version.empty())
    out.failures.push_back({"charter", fmt::format("le lieu n'a pas signé la charte du réseau (version {})", current)});
  else if (p.charter_version != current)
    out.failures.push_back(
        {"charter", fmt::format("le lieu a signé la version {} de la charte, la version en vigueur est "
                                "la {}",
                                p.charter_version, current)});
  auto& items = criterion_items();
  for (size_t i = 0; i < kCriteria; ++i) {
    auto field = "criterion_" + std::string(items[i].key);
    auto label = std::string(items[i].label);
    if (p.criteria[i] == Tri::No)
      out.failures.push_back({field, fmt::format("critère non rempli : {}", label)});
    else if (p.criteria[i] == Tri::Unknown)
      out.unknown.push_back({field, fmt::format("critère non renseigné : {}", label)});
  }
  out.listed = out.failures.empty() && out.unknown.empty();
  return out;
}

std::vector<CriterionStatement> criteria_provenance(const std::vector<HistoryEntry>& history, const Place& p) {
  auto& items = criterion_items();
  std::vector<CriterionStatement> out;
  for (size_t c = 0; c < kCriteria; ++c) {
    auto field = "criterion_" + std::string(items[c].key);
    CriterionStatement s{std::string(items[c].key), std::string(tri_key(p.criteria[c])), "", ""};
    // The state after entry k is the record before entry k + 1, or the current one.
    auto value_in = [&](const std::string& before_json) {
      auto j = nlohmann::json::parse(before_json, nullptr, false);
      return j.is_object() && j.contains(field) && j[field].is_string() ? j[field].get<std::string>()
                                                                        : std::string("unknown");
    };
    for (size_t k = 0; k < history.size(); ++k) {
      std::string before = history[k].before_json.empty() ? "unknown" : value_in(history[k].before_json);
      std::string after = k + 1 < history.size() ? value_in(history[k + 1].before_json) : s.value;
      if (after != before || (history[k].before_json.empty() && after != "unknown"))
        s.said_by = history[k].origin, s.said_at = history[k].at;
    }
    out.push_back(s);
  }
  return out;
}

nlohmann::json list_item(const Place& p, bool with_private, const std::string& date, const std::string& current) {
  auto* c = territory::CommuneTable::bundled().find(p.insee_code);
  auto j = to_json(p, with_private, c ? c->name : "");
  j["listed"] = listing(p, date, current).listed;
  return j;
}

std::string list_page(const std::vector<const std::string*>& items, int64_t limit, int64_t offset, int64_t revision,
                      int64_t total) {
  std::string out = R"({"items":[)";
  for (size_t n = 0; n < items.size(); ++n) {
    if (n) out += ',';
    out += *items[n];
  }
  out += fmt::format(R"(],"limit":{},"offset":{},"registry_revision":{},"total":{}}})", limit, offset, revision, total);
  return out;
}

}  // namespace maillage::registry
