#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "accounts/secrets.hpp"
#include "accounts/throttle.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "moderation/moderation.hpp"
#include "territory/communes.hpp"

namespace maillage::moderation {

using nlohmann::json;
using registry::Field;

namespace {

constexpr const char* kColumns =
    "id, kind, place_id, fields_json, comment, contributor_name, contributor_email, status, candidates_json, "
    "warnings_json, created_at, decided_at, decided_by, decision_reason, result_place_id";

// Fields a contributor may propose: the public input fields (not the id, the dates the store manages, nor the
// private contact person: personal data of third parties is not collected from anonymous visitors).
const registry::FieldDef* proposable(const std::string& name) {
  auto* d = registry::find_field(name);
  if (!d || !d->is_input || d->is_private || d->field == Field::id) return nullptr;
  return d;
}

Candidate candidate_of(const json& j) {
  Candidate c;
  c.place_id = j.value("place_id", "");
  c.name = j.value("name", "");
  c.commune = j.value("commune", "");
  c.contribution = j.value("contribution", int64_t{0});
  c.similarity = j.value("similarity", 0.0);
  c.distance_m = j.value("distance_m", -1.0);
  if (j.contains("reasons") && j["reasons"].is_array())
    for (auto& r : j["reasons"]) c.reasons.push_back(r.get<std::string>());
  return c;
}

std::string clean_text(const std::string& field, std::string_view raw, size_t max, bool multiline) {
  auto t = std::string(text::trim(raw));
  if (t.size() > max) throw Refused(field, fmt::format("le champ « {} » dépasse {} caractères", field, max));
  if (!text::is_valid_utf8(t))
    throw Refused(field, fmt::format("le champ « {} » n'est pas du texte UTF-8 valide", field));
  for (unsigned char ch : t)
    if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t'))) || ch == 0x7f)
      throw Refused(field, fmt::format("le champ « {} » contient un caractère de contrôle", field));
  return t;
}

}  // namespace

registry::Record Moderation::record_of(const std::map<std::string, std::string>& fields, const std::string& label,
                                       std::vector<registry::Problem>& problems) {
  registry::Record r;
  r.file = label;
  for (auto& [k, v] : fields) {
    auto* d = registry::find_field(k);
    if (d) registry::set_record_value(r, d->field, v, problems);
  }
  return r;
}

Submitted Moderation::submit(const Proposal& p, const std::string& address) {
  if (p.kind != "new" && p.kind != "correction")
    throw Refused("kind", "le type de contribution est « new » (nouveau lieu) ou « correction »");
  if (!p.consent)
    throw Refused("consent",
                  "merci d'accepter que l'équipe du réseau conserve votre nom et votre adresse "
                  "électronique pour traiter cette contribution");
  auto name = clean_text("contributor_name", p.name, 100, false);
  if (name.empty()) throw Refused("contributor_name", "merci d'indiquer votre nom");
  std::string email;
  try {
    email = accounts::normalise_email(p.email, "contributor_email");
  } catch (const InputError&) {
    throw Refused("contributor_email", "adresse électronique invalide");
  }
  auto comment = clean_text("comment", p.comment, kMaxCommentBytes, true);
  if (p.fields.empty() && comment.empty())
    throw Refused("fields", "la contribution ne propose aucun champ ni commentaire");
  if (p.fields.size() > registry::kFieldCount) throw Refused("fields", "trop de champs");
  std::map<std::string, std::string> fields;
  size_t bytes = name.size() + email.size() + comment.size();
  for (auto& [k, v] : p.fields) {
    if (!proposable(k))
      throw Refused(k, fmt::format("champ inconnu ou non modifiable ici : « {} »", text::printable(k, 60)));
    fields[k] = clean_text(k, v, 1000, k == "notes");
    bytes += k.size() + fields[k].size();
  }
  if (bytes > kMaxProposalBytes)
    throw Refused("fields", fmt::format("la contribution dépasse {} Kio", kMaxProposalBytes / 1024));

  // The values must parse and the place must hold together, as the import would check it at acceptance.
  std::vector<registry::Problem> problems;
  auto rec = record_of(fields, "contribution", problems);
  std::optional<registry::Place> existing;
  if (p.kind == "correction") {
    existing = store_.get(p.place_id);
    if (!existing)
      throw Refused("place_id", fmt::format("aucun lieu n'a l'identifiant « {} »", text::printable(p.place_id, 80)));
    if (fields.empty() && comment.empty()) throw Refused("fields", "la correction ne propose rien");
    auto merged = *existing;
    for (auto& [k, v] : fields) registry::copy_field(merged, rec.place, registry::find_field(k)->field);
    rec.place = merged;
    rec.present.set();
  } else if (!fields.count("name")) {
    throw Refused("name", "le nom du lieu est obligatoire");
  } else if (!fields.count("insee_code") && !fields.count("commune")) {
    throw Refused("commune", "la commune du lieu est obligatoire");
  }
  validator_.check(rec, problems);
  std::vector<std::string> warnings;
  for (auto& pr : problems) {
    if (pr.is_error()) {
      auto f = pr.where.field;
      if (auto dot = f.rfind('.'); dot != std::string::npos) f = f.substr(dot + 1);
      throw Refused(f, fmt::format("champ « {} » : {}", f, pr.message));
    }
    warnings.push_back(pr.message);
  }

  // Likely duplicates: stored places, and other proposals waiting for a new place.
  std::vector<Candidate> candidates;
  if (p.kind == "new") {
    auto all = store_.list({});
    candidates = likely_duplicates(rec.place, all, validator_.communes());
    auto st = store_.db().prepare(
        "SELECT id, fields_json FROM contributions WHERE status = 'pending' AND kind = 'new' ORDER BY id DESC LIMIT "
        "500");
    while (st.step()) {
      auto f = json::parse(st.text(1), nullptr, false);
      if (!f.is_object()) continue;
      auto other_name = f.value("name", "");
      auto other_commune =
          validator_.communes().locate(f.value("commune", f.value("insee_code", "")), f.value("postcode", ""));
      if (f.contains("insee_code")) other_commune = validator_.communes().current_code(f.value("insee_code", ""));
      double sim = name_similarity(rec.place.name, other_name);
      if (sim >= 0.7 && other_commune == rec.place.insee_code) {
        Candidate c;
        c.contribution = st.int64(0);
        c.name = other_name;
        if (auto* cm = validator_.communes().find(other_commune)) c.commune = cm->name;
        c.similarity = sim;
        c.reasons = {fmt::format("nom proche ({:.2f})", sim), "même commune", "contribution en attente"};
        candidates.push_back(c);
      }
    }
  } else {
    auto st = store_.db().prepare(
        "SELECT id FROM contributions WHERE status = 'pending' AND place_id = ? ORDER BY id DESC LIMIT 10");
    st.bind(1, p.place_id);
    while (st.step()) {
      Candidate c;
      c.contribution = st.int64(0);
      c.place_id = p.place_id;
      c.name = existing->name;
      c.reasons = {"autre correction en attente pour ce lieu"};
      candidates.push_back(c);
    }
  }

  Submitted out;
  out.key = accounts::random_key();
  out.candidates = candidates;
  out.warnings = warnings;
  json cand = json::array();
  for (auto& c : candidates) cand.push_back(to_json(c));
  auto st = store_.db().prepare(
      "INSERT INTO contributions (kind, place_id, fields_json, comment, contributor_name, contributor_email, "
      "consent_at, status, candidates_json, warnings_json, follow_key_hash, address, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?) RETURNING id");
  auto now = date::now_utc();
  st.bind(1, p.kind).bind(2, p.kind == "correction" ? p.place_id : std::string());
  st.bind(3, json(fields).dump()).bind(4, comment, false).bind(5, name, false).bind(6, email, false);
  st.bind(7, now).bind(8, cand.dump()).bind(9, json(warnings).dump()).bind(10, accounts::key_hash(out.key));
  st.bind(11, address, false).bind(12, now);
  st.step();
  out.id = st.int64(0);
  return out;
}

Contribution Moderation::read(db::Statement& st) {
  Contribution c;
  int i = 0;
  c.id = st.int64(i++);
  c.kind = st.text(i++);
  c.place_id = st.text(i++);
  auto f = json::parse(st.text(i++), nullptr, false);
  if (f.is_object())
    for (auto& [k, v] : f.items())
      if (v.is_string()) c.fields[k] = v.get<std::string>();
  c.comment = st.text(i++);
  c.name = st.text(i++);
  c.email = st.text(i++);
  c.status = st.text(i++);
  auto cand = json::parse(st.text(i++), nullptr, false);
  if (cand.is_array())
    for (auto& x : cand) c.candidates.push_back(candidate_of(x));
  auto w = json::parse(st.text(i++), nullptr, false);
  if (w.is_array())
    for (auto& x : w)
      if (x.is_string()) c.warnings.push_back(x.get<std::string>());
  c.created_at = st.text(i++);
  c.decided_at = st.text(i++);
  c.decided_by = st.text(i++);
  c.reason = st.text(i++);
  c.result_place_id = st.text(i++);
  return c;
}

std::optional<Contribution> Moderation::get(int64_t id) {
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM contributions WHERE id = ?", kColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::optional<Contribution> Moderation::by_key(const std::string& key) {
  if (key.empty() || key.size() > 100) return std::nullopt;
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM contributions WHERE follow_key_hash = ?", kColumns));
  st.bind(1, accounts::key_hash(key));
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::vector<Contribution> Moderation::list(const std::string& status, int limit, int offset, int64_t* total) {
  std::string where = status.empty() ? "" : " WHERE status = ?";
  if (total) {
    auto st = store_.db().prepare("SELECT count(*) FROM contributions" + where);
    if (!status.empty()) st.bind(1, status);
    st.step();
    *total = st.int64(0);
  }
  auto st = store_.db().prepare(
      fmt::format("SELECT {} FROM contributions{} ORDER BY id DESC LIMIT ? OFFSET ?", kColumns, where));
  int i = 1;
  if (!status.empty()) st.bind(i++, status);
  st.bind(i, static_cast<int64_t>(limit));
  st.bind(i + 1, static_cast<int64_t>(offset));
  std::vector<Contribution> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

std::map<std::string, int64_t> Moderation::counts() {
  std::map<std::string, int64_t> out;
  for (auto* s : kStatuses) out[s] = 0;
  auto st = store_.db().prepare("SELECT status, count(*) FROM contributions GROUP BY status");
  while (st.step()) out[st.text(0)] = st.int64(1);
  return out;
}

std::string Moderation::place_label(const Contribution& c) {
  if (auto it = c.fields.find("name"); it != c.fields.end()) return it->second;
  auto id = c.place_id.empty() ? c.result_place_id : c.place_id;
  if (!id.empty())
    if (auto p = store_.get(id)) return p->name;
  return "un lieu";
}

std::vector<FieldDiff> Moderation::diff(const Contribution& c, const std::string& place_id) {
  auto target = place_id.empty() ? c.place_id : place_id;
  std::optional<registry::Place> current;
  if (!target.empty()) current = store_.get(target);
  std::vector<FieldDiff> out;
  for (auto& [k, v] : c.fields) {
    auto* d = registry::find_field(k);
    if (!d) continue;
    FieldDiff fd{k, "", v, true};
    if (current) {
      if (d->field == Field::commune) {
        auto* cm = validator_.communes().find(current->insee_code);
        fd.current = cm ? cm->name : "";
      } else {
        fd.current = registry::format_field(*current, d->field);
      }
      // Compare the values as the registry would store them ("Coworking" and "coworking" are one type).
      registry::Place probe = *current;
      if (d->field == Field::commune)
        fd.changed = text::fold(fd.current) != text::fold(v);
      else if (registry::parse_field(probe, d->field, v).empty())
        fd.changed = registry::format_field(probe, d->field) != fd.current;
    }
    out.push_back(fd);
  }
  return out;
}

void Moderation::decide(int64_t id, const std::string& status, const std::string& moderator, const std::string& reason,
                        const std::string& place_id) {
  auto st = store_.db().prepare(
      "UPDATE contributions SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?, result_place_id = ? "
      "WHERE id = ? AND status = 'pending'");
  st.bind(1, status).bind(2, date::now_utc()).bind(3, moderator).bind(4, reason).bind(5, place_id).bind(6, id);
  st.run();
  if (store_.db().changes() != 1) throw Refused("status", "cette contribution n'est plus en attente");
}

Decision Moderation::write(const Contribution& c, registry::Record rec, registry::ImportOptions::Mode mode,
                           const std::string& origin) {
  registry::ImportOptions o;
  o.mode = mode;
  o.origin = origin;
  Decision d;
  d.report = registry::import_records(store_, validator_, {std::move(rec)}, o);
  for (auto& p : d.report.problems)
    if (p.is_error()) {
      auto f = p.where.field;
      if (auto dot = f.rfind('.'); dot != std::string::npos) f = f.substr(dot + 1);
      throw Refused(f, p.message);
    }
  if (!d.report.committed) throw Refused("", "le registre a refusé cette écriture ; rien n'a été écrit");
  d.place_id = d.report.written_ids.empty() ? c.place_id : d.report.written_ids[0];
  return d;
}

Decision Moderation::accept(int64_t id, const std::string& moderator, const std::map<std::string, std::string>& changes,
                            bool distinct) {
  db::Transaction txn(store_.db());
  auto c = get(id);
  if (!c) throw NotFound(fmt::format("no contribution {}", id), Errc::contribution_not_found);
  if (c->status != "pending")
    throw Refused("status", fmt::format("cette contribution n'est plus en attente (statut : {})", c->status));
  auto fields = c->fields;
  for (auto& [k, v] : changes) {
    if (!proposable(k))
      throw Refused(k, fmt::format("champ inconnu ou non modifiable ici : « {} »", text::printable(k, 60)));
    fields[k] = clean_text(k, v, 1000, k == "notes");
  }
  if (fields.empty()) throw Refused("fields", "rien à écrire : la contribution ne propose aucun champ (rejetez-la)");
  std::vector<registry::Problem> problems;
  auto rec = record_of(fields, fmt::format("contribution {}", id), problems);
  for (auto& p : problems)
    if (p.is_error()) throw Refused(p.where.field, p.message);
  auto mode = registry::ImportOptions::Mode::InsertOnly;
  if (c->kind == "new" && !distinct) {
    // The registry may have changed since the proposal: look again.
    auto probe = rec;
    std::vector<registry::Problem> ignored;
    validator_.check(probe, ignored);
    auto found = likely_duplicates(probe.place, store_.list({}), validator_.communes());
    if (!found.empty())
      throw Refused("distinct", fmt::format("doublon probable de « {} » ({}) : fusionnez la contribution avec ce lieu, "
                                            "ou confirmez qu'il s'agit d'un autre lieu",
                                            found[0].name, found[0].place_id));
  }
  if (c->kind == "correction") {
    rec.place.id = c->place_id;
    rec.present.set(static_cast<size_t>(Field::id));
    mode = registry::ImportOptions::Mode::UpdateOnly;
  }
  auto d = write(*c, std::move(rec), mode, fmt::format("contribution n° {} acceptée par {}", id, moderator));
  decide(id, "accepted", moderator, "", d.place_id);
  txn.commit();
  return d;
}

void Moderation::reject(int64_t id, const std::string& moderator, const std::string& reason,
                        const std::string& duplicate_of) {
  db::Transaction txn(store_.db());
  if (!get(id)) throw NotFound(fmt::format("no contribution {}", id), Errc::contribution_not_found);
  auto why = clean_text("reason", reason, kMaxCommentBytes, true);
  if (why.empty() && duplicate_of.empty()) throw Refused("reason", "merci de donner la raison du refus");
  if (!duplicate_of.empty() && !store_.get(duplicate_of))
    throw Refused("duplicate_of",
                  fmt::format("aucun lieu n'a l'identifiant « {} »", text::printable(duplicate_of, 80)));
  decide(id, duplicate_of.empty() ? "rejected" : "duplicate", moderator, why, duplicate_of);
  txn.commit();
}

Decision Moderation::merge(int64_t id, const std::string& place_id, const std::string& moderator,
                           const std::vector<std::string>& chosen) {
  db::Transaction txn(store_.db());
  auto c = get(id);
  if (!c) throw NotFound(fmt::format("no contribution {}", id), Errc::contribution_not_found);
  if (c->status != "pending")
    throw Refused("status", fmt::format("cette contribution n'est plus en attente (statut : {})", c->status));
  auto target = store_.get(place_id);
  if (!target)
    throw Refused("place_id", fmt::format("aucun lieu n'a l'identifiant « {} »", text::printable(place_id, 80)));
  std::map<std::string, std::string> fields;
  if (chosen.empty()) {
    for (auto& [k, v] : c->fields) {
      auto* d = registry::find_field(k);
      if (d && d->field != Field::commune && d->field != Field::insee_code && d->field != Field::name &&
          registry::format_field(*target, d->field).empty())
        fields[k] = v;
    }
  } else {
    for (auto& k : chosen) {
      auto it = c->fields.find(k);
      if (it == c->fields.end())
        throw Refused("fields", fmt::format("la contribution ne propose pas « {} »", text::printable(k, 60)));
      fields[k] = it->second;
    }
  }
  Decision d;
  d.place_id = place_id;
  if (!fields.empty()) {
    std::vector<registry::Problem> problems;
    auto rec = record_of(fields, fmt::format("contribution {}", id), problems);
    for (auto& p : problems)
      if (p.is_error()) throw Refused(p.where.field, p.message);
    rec.place.id = place_id;
    rec.present.set(static_cast<size_t>(Field::id));
    d = write(*c, std::move(rec), registry::ImportOptions::Mode::UpdateOnly,
              fmt::format("contribution n° {} fusionnée par {}", id, moderator));
    d.place_id = place_id;
  }
  decide(id, "duplicate", moderator, fmt::format("fusionnée avec {}", place_id), place_id);
  txn.commit();
  return d;
}

Contribution Moderation::withdraw(const std::string& key) {
  db::Transaction txn(store_.db());
  auto c = by_key(key);
  if (!c) throw NotFound("no contribution for this link", Errc::contribution_not_found);
  decide(c->id, "withdrawn", "contributor", "retirée par la personne qui l'avait proposée", "");
  txn.commit();
  return *get(c->id);
}

json Moderation::personal_data(const std::string& email) {
  json out = json::array();
  auto st = store_.db().prepare(
      fmt::format("SELECT {} FROM contributions WHERE contributor_email = ? ORDER BY id", kColumns));
  st.bind(1, email);
  while (st.step()) out.push_back(to_json(read(st), true));
  return out;
}

int Moderation::erase_person(const std::string& email) {
  if (email.empty()) return 0;
  db::Erasure erasure(store_.db());  // no trace left in the database's files (db.hpp)
  db::Transaction txn(store_.db());
  auto st = store_.db().prepare(
      "UPDATE contributions SET contributor_name = '', contributor_email = '', address = '' WHERE contributor_email = "
      "?");
  st.bind(1, email);
  st.run();
  int n = static_cast<int>(store_.db().changes());
  accounts::forget_rate_key(store_.db(), email);  // the mails counted to that address
  txn.commit();
  erasure.finish({"contributions", "rate_windows"});
  return n;
}

void Moderation::confirm(const std::string& place_id, const std::string& actor, const std::string& label) {
  if (!store_.get(place_id)) throw NotFound(fmt::format("no place with id '{}'", place_id), Errc::place_not_found);
  auto st =
      store_.db().prepare("INSERT INTO place_confirmations (place_id, at, actor, actor_label) VALUES (?, ?, ?, ?)");
  st.bind(1, place_id).bind(2, date::now_utc()).bind(3, actor).bind(4, label, false);
  st.run();
}

std::string last_confirmation(db::Database& db, const std::string& place_id) {
  auto st = db.prepare("SELECT max(at) FROM place_confirmations WHERE place_id = ?");
  st.bind(1, place_id);
  return st.step() ? st.text(0) : std::string();
}

std::map<std::string, std::string> last_confirmations(db::Database& db) {
  std::map<std::string, std::string> out;
  auto st = db.prepare("SELECT place_id, max(at) FROM place_confirmations GROUP BY place_id");
  while (st.step()) out[st.text(0)] = st.text(1);
  return out;
}

json to_json(const Candidate& c) {
  json j{{"name", c.name}, {"commune", c.commune}, {"reasons", c.reasons}, {"similarity", c.similarity}};
  if (!c.place_id.empty()) j["place_id"] = c.place_id;
  if (c.contribution) j["contribution"] = c.contribution;
  if (c.distance_m >= 0) j["distance_m"] = c.distance_m;
  return j;
}

json to_json(const Contribution& c, bool full) {
  json cand = json::array();
  for (auto& x : c.candidates) cand.push_back(to_json(x));
  json j{{"id", c.id},
         {"kind", c.kind},
         {"status", c.status},
         {"fields", c.fields},
         {"comment", c.comment},
         {"created_at", c.created_at},
         {"candidates", cand},
         {"likely_duplicate", !cand.empty()},
         {"warnings", c.warnings}};
  j["place_id"] = c.place_id.empty() ? json() : json(c.place_id);
  j["decided_at"] = c.decided_at.empty() ? json() : json(c.decided_at);
  j["decision_reason"] = c.reason.empty() ? json() : json(c.reason);
  j["result_place_id"] = c.result_place_id.empty() ? json() : json(c.result_place_id);
  if (full) {
    j["contributor"] = {{"name", c.name}, {"email", c.email}};
    j["decided_by"] = c.decided_by.empty() ? json() : json(c.decided_by);
  }
  return j;
}

}  // namespace maillage::moderation
