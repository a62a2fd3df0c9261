// Likely duplicates of a proposed place: the same SIRET, or a similar name in the same commune or within 200 m.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/geo.hpp"
#include "core/text.hpp"
#include "moderation/moderation.hpp"
#include "territory/communes.hpp"

namespace maillage::moderation {

namespace {

// Words that say what kind of place it is, not which one.
const std::set<std::string>& generic_words() {
  static const std::set<std::string> w = {"le",        "la",     "les",  "l",     "de",        "du",
                                          "des",       "d",      "et",   "a",     "au",        "aux",
                                          "en",        "tiers",  "lieu", "lieux", "tierslieu", "espace",
                                          "coworking", "fablab", "fab",  "lab",   "atelier",   "ateliers"};
  return w;
}

std::string significant(std::string_view name) {
  auto words = text::split_list(text::fold(name), " ");
  std::vector<std::string> kept;
  for (auto& w : words)
    if (!generic_words().count(w)) kept.push_back(w);
  return text::join(kept.empty() ? words : kept, " ");
}

std::map<std::string, int> bigrams(const std::string& s) {
  std::map<std::string, int> out;
  for (size_t i = 0; i + 1 < s.size(); ++i) ++out[s.substr(i, 2)];
  return out;
}

}  // namespace

double name_similarity(std::string_view a, std::string_view b) {
  auto x = significant(a), y = significant(b);
  if (x.empty() || y.empty()) return 0;
  if (x == y) return 1;
  auto& shorter = x.size() <= y.size() ? x : y;
  auto& longer = x.size() <= y.size() ? y : x;
  // One name holding the other as whole words ("Le Chai 2.0" and "Le Chai 2.0 Marsas").
  if (shorter.size() >= 4 && (" " + longer + " ").find(" " + shorter + " ") != std::string::npos) return 1;
  auto bx = bigrams(x), by = bigrams(y);
  int common = 0, total = 0;
  for (auto& [g, n] : bx) {
    total += n;
    if (auto it = by.find(g); it != by.end()) common += std::min(n, it->second);
  }
  for (auto& [g, n] : by) total += n;
  return total ? 2.0 * common / total : 0;
}

std::optional<Candidate> likely_duplicate(const registry::Place& p, const registry::Place& q,
                                          const territory::CommuneTable& communes) {
  bool same_siret = !p.siret.empty() && p.siret == q.siret;
  bool same_commune = !p.insee_code.empty() && p.insee_code == q.insee_code;
  double d = p.lon && p.lat && q.lon && q.lat ? geo::haversine_m({*p.lon, *p.lat}, {*q.lon, *q.lat}) : -1;
  bool near = d >= 0 && d <= 200;
  if (!same_siret && !same_commune && !near) return std::nullopt;  // the name matters only where it could
  double sim = name_similarity(p.name, q.name);
  if (!same_siret && sim < 0.7) return std::nullopt;
  Candidate c;
  c.place_id = q.id;
  c.name = q.name;
  if (auto* cm = communes.find(q.insee_code)) c.commune = cm->name;
  c.similarity = sim;
  c.distance_m = d;
  if (same_siret) c.reasons.push_back("même SIRET");
  if (sim >= 0.7) c.reasons.push_back(fmt::format("nom proche ({:.2f})", sim));
  if (same_commune) c.reasons.push_back("même commune");
  if (near) c.reasons.push_back(fmt::format("à {:.0f} m", d));
  return c;
}

std::vector<Candidate> likely_duplicates(const registry::Place& p, const std::vector<registry::Place>& places,
                                         const territory::CommuneTable& communes, const std::string& except) {
  std::vector<Candidate> out;
  for (auto& q : places)
    if (q.id != except)
      if (auto c = likely_duplicate(p, q, communes)) out.push_back(std::move(*c));
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.place_id < b.place_id;
  });
  if (out.size() > 10) out.resize(10);
  return out;
}

}  // namespace maillage::moderation
