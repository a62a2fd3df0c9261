// The directory kept complete, over HTTP: anonymous proposals (rate-limited, a honeypot, a size limit) and their
// private follow-up, the moderation queue (editors and admins), the managers' yearly confirmation and the
// data-quality report. The logic is src/moderation's; this file parses, calls, mails and serialises.
#include <algorithm>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "moderation/moderation.hpp"
#include "moderation/quality.hpp"
#include "territory/communes.hpp"

namespace maillage::api::contributions_api {

using nlohmann::json;

namespace {

// A proposal's field values as the registry reads them: text, numbers, arrays of text (types, services).
std::map<std::string, std::string> fields_of(const json& v) {
  if (!v.is_object()) throw bad("fields", "expected an object: field name -> value (the fields of docs/data.md)");
  std::map<std::string, std::string> out;
  for (auto& [k, x] : v.items()) {
    if (k.size() > 40) throw bad("fields", "unknown field");
    if (x.is_array()) {
      std::vector<std::string> items;
      for (auto& e : x) items.push_back(body_text(e, k, false, 200));
      out[k] = text::join(items, ";");
    } else if (x.is_number()) {
      out[k] = fmt::format("{}", body_number(x, k, -1e9, 1e9));
    } else {
      out[k] = body_text(x, k, k == "notes", 1000);
    }
  }
  return out;
}

std::string moderator(const Principal* who) { return fmt::format("{} ({})", who->actor(), who->name); }

std::string place_label(State& s, const moderation::Contribution& c) {
  StoreLease l(s);
  return moderation::Moderation(*s.store, s.validator).place_label(c);
}

// The moderators to tell: active editors and admins (at most 20).
std::vector<accounts::User> moderators(State& s) {
  std::vector<accounts::User> out;
  for (auto& u : accounts::Accounts(s.store->db()).list())
    if (u.status == "active" && (u.has_role("editor") || u.has_role("admin")) && out.size() < 20) out.push_back(u);
  return out;
}

void tell_contributor(State& s, const moderation::Contribution& c, const std::string& decision,
                      const std::string& link) {
  if (c.email.empty()) return;  // erased
  send_mail(s, "contribution_decided", c.email,
            {{"name", c.name},
             {"place", place_label(s, c)},
             {"decision", decision},
             {"comment", c.reason.empty() ? "" : "Commentaire de l'équipe : " + c.reason},
             {"link", link}});
}

json public_view(State& s, const moderation::Contribution& c) {
  auto j = moderation::to_json(c, false);
  j["place_name"] = place_label(s, c);
  // A visitor sees that a proposal looks like another, not the other visitors' proposals.
  for (auto& x : j["candidates"]) x.erase("contribution");
  return j;
}

std::string key_of(const Request& r) {
  auto b = body_object(r);
  for (auto& [k, v] : b.items())
    if (k != "key") throw bad(k, fmt::format("unknown field '{}' (key)", k));
  if (!b.contains("key")) throw bad("key", "the key of your follow-up link is required");
  return body_text(b["key"], "key", false, 100);
}

}  // namespace

namespace {
Response receive(const Call& c);
}

// Only proposals received count toward the limit per address: one refused for its content (400, 409) is given
// back, so five mistakes still leave five proposals (docs/directory.md).
Response submit(const Call& c) {
  auto& s = c.s;
  if (c.r.body.size() > moderation::kMaxProposalBytes)
    throw Error(Errc::too_large,
                fmt::format("une contribution fait au plus {} Kio", moderation::kMaxProposalBytes / 1024));
  if (!allow(s, *s.contributions_by_address, c.r.address)) {
    Error e(Errc::too_many_requests,
            fmt::format("trop de contributions depuis cette adresse : au plus {} par heure ; réessayez plus tard",
                        s.auth.contributions_per_address_hour));
    e.retry_after = 3600;
    throw e;
  }
  try {
    return receive(c);
  } catch (const Error&) {
    refund(s, *s.contributions_by_address, c.r.address);
    throw;
  }
}

namespace {
Response receive(const Call& c) {
  auto& s = c.s;
  auto b = body_object(c.r);
  moderation::Proposal p;
  bool trap = false;
  for (auto& [k, v] : b.items()) {
    if (k == "kind")
      p.kind = body_text(v, k, false, 20);
    else if (k == "place_id")
      p.place_id = body_text(v, k, false, 200);
    else if (k == "fields")
      p.fields = fields_of(v);
    else if (k == "comment")
      p.comment = body_text(v, k, true, moderation::kMaxCommentBytes);
    else if (k == "contributor_name")
      p.name = body_text(v, k, false, 100);
    else if (k == "contributor_email")
      p.email = body_text(v, k, false, 254);
    else if (k == "consent") {
      if (!v.is_boolean()) throw bad(k, "expected true or false");
      p.consent = v.get<bool>();
    } else if (k == "homepage") {  // the honeypot: a field people never see, that robots fill
      trap = !(v.is_string() && v.get<std::string>().empty()) && !v.is_null();
    } else {
      throw bad(k, fmt::format("unknown field '{}' (kind, place_id, fields, comment, contributor_name, "
                               "contributor_email, consent)",
                               k));
    }
  }
  if (trap) return json_response({{"status", "received"}}, 202);  // stored nowhere, said nothing
  StoreLease l(s);
  db::Transaction txn(s.store->db());
  moderation::Moderation mod(*s.store, s.validator);
  auto done = mod.submit(p, c.r.address);
  auto stored = *mod.get(done.id);
  auto follow = page_link(s, "contribution/" + done.key);
  if (allow(s, *s.mail_by_recipient, stored.email))
    send_mail(s, "contribution_acknowledged", stored.email,
              {{"name", stored.name},
               {"place", place_label(s, stored)},
               {"number", std::to_string(done.id)},
               {"link", follow}});
  for (auto& m : moderators(s))
    send_mail(s, "contribution_received", m.email,
              {{"name", m.display_name},
               {"place", place_label(s, stored)},
               {"link", page_link(s, fmt::format("moderation/{}", done.id))}});
  txn.commit();
  auto j = public_view(s, stored);
  j["key"] = done.key;
  j["follow_url"] = follow;
  j["message"] = "Merci ! Votre contribution sera relue par l'équipe du réseau avant publication.";
  return json_response(j, 201);
}
}  // namespace

Response follow(const Call& c) {
  auto key = key_of(c.r);
  StoreLease l(c.s);
  auto found = moderation::Moderation(*c.s.store, c.s.validator).by_key(key);
  if (!found) throw Error(Errc::contribution_not_found, "ce lien de suivi ne correspond à aucune contribution");
  return json_response(public_view(c.s, *found));
}

Response withdraw(const Call& c) {
  auto key = key_of(c.r);
  StoreLease l(c.s);
  auto done = moderation::Moderation(*c.s.store, c.s.validator).withdraw(key);
  return json_response(public_view(c.s, done));
}

Response list(const Call& c) {
  auto status = q(c.r, "status");
  if (!status.empty() && std::find(std::begin(moderation::kStatuses), std::end(moderation::kStatuses), status) ==
                             std::end(moderation::kStatuses))
    throw bad("status", "expected pending, accepted, rejected, duplicate or withdrawn");
  int limit = static_cast<int>(q_number(c.r, "limit", 50, 1, 500));
  int offset = static_cast<int>(q_number(c.r, "offset", 0, 0, 1e9));
  StoreLease l(c.s);
  moderation::Moderation mod(*c.s.store, c.s.validator);
  int64_t total = 0;
  json items = json::array();
  for (auto& x : mod.list(status, limit, offset, &total)) {
    auto j = moderation::to_json(x, true);
    j["place_name"] = place_label(c.s, x);
    items.push_back(j);
  }
  return json_response(
      {{"items", items}, {"total", total}, {"counts", mod.counts()}, {"limit", limit}, {"offset", offset}});
}

Response get(const Call& c) {
  auto id = path_id(c.params[0], Errc::contribution_not_found, "no such contribution");
  StoreLease l(c.s);
  moderation::Moderation mod(*c.s.store, c.s.validator);
  auto found = mod.get(id);
  if (!found) throw Error(Errc::contribution_not_found, "no such contribution");
  auto j = moderation::to_json(*found, true);
  j["place_name"] = place_label(c.s, *found);
  // The record to compare with: the corrected place, the one asked for, else the first stored candidate.
  std::string against = q(c.r, "against", found->place_id);
  if (against.empty())
    for (auto& cand : found->candidates)
      if (!cand.place_id.empty()) {
        against = cand.place_id;
        break;
      }
  json diff = json::array();
  for (auto& d : mod.diff(*found, against))
    diff.push_back({{"field", d.field}, {"current", d.current}, {"proposed", d.proposed}, {"changed", d.changed}});
  j["diff"] = diff;
  j["against"] = against.empty() ? json() : json(against);
  if (!against.empty()) {
    auto p = c.s.store->get(against);
    if (!p) throw bad("against", "no place with this id");
    j["current"] = place_json(*p, true);
  }
  return json_response(j);
}

Response action(const Call& c) {
  auto id = path_id(c.params[0], Errc::contribution_not_found, "no such contribution");
  std::string act(c.action);
  auto b = c.r.body.empty() ? json::object() : body_object(c.r);
  StoreLease l(c.s);
  db::Transaction txn(c.s.store->db());
  moderation::Moderation mod(*c.s.store, c.s.validator);
  if (!mod.get(id)) throw Error(Errc::contribution_not_found, "no such contribution");
  std::string place, decision, link = page_link(c.s, "");
  if (act == "accept") {
    std::map<std::string, std::string> changes;
    bool distinct = false;
    for (auto& [k, v] : b.items()) {
      if (k == "changes")
        changes = fields_of(v);
      else if (k == "distinct") {
        if (!v.is_boolean()) throw bad(k, "expected true or false");
        distinct = v.get<bool>();
      } else
        throw bad(k, fmt::format("unknown field '{}' (changes, distinct)", k));
    }
    place = mod.accept(id, moderator(c.who), changes, distinct).place_id;
    decision = "acceptée et publiée";
    link = page_link(c.s, "lieu/" + place);
  } else if (act == "reject") {
    std::string reason, duplicate_of;
    for (auto& [k, v] : b.items()) {
      if (k == "reason")
        reason = body_text(v, k, true, moderation::kMaxCommentBytes);
      else if (k == "duplicate_of")
        duplicate_of = body_text(v, k, false, 200);
      else
        throw bad(k, fmt::format("unknown field '{}' (reason, duplicate_of)", k));
    }
    mod.reject(id, moderator(c.who), reason, duplicate_of);
    decision = duplicate_of.empty() ? "non retenue" : "déjà présente dans l'annuaire";
    if (!duplicate_of.empty()) link = page_link(c.s, "lieu/" + duplicate_of);
  } else if (act == "merge") {
    std::vector<std::string> chosen;
    for (auto& [k, v] : b.items()) {
      if (k == "place_id")
        place = body_text(v, k, false, 200);
      else if (k == "fields") {
        if (!v.is_array()) throw bad(k, "expected an array of field names");
        for (auto& x : v) chosen.push_back(body_text(x, k, false, 40));
      } else
        throw bad(k, fmt::format("unknown field '{}' (place_id, fields)", k));
    }
    if (place.empty()) throw bad("place_id", "the place to merge into is required");
    mod.merge(id, place, moderator(c.who), chosen);
    decision = "ajoutée à une fiche existante";
    link = page_link(c.s, "lieu/" + place);
  } else {
    throw Error(Errc::internal, "the route table names an unknown contribution action");
  }
  auto done = *mod.get(id);
  tell_contributor(c.s, done, decision, link);
  txn.commit();
  auto j = moderation::to_json(done, true);
  if (!place.empty())
    if (auto p = c.s.store->get(place)) j["place"] = place_json(*p, true);
  return json_response(j);
}

Response confirm(const Call& c) {
  auto& id = c.params[0];
  if (!c.who->registry() && !c.who->manages(id))
    throw Error(Errc::forbidden, "a place's sheet is confirmed by its managers, editors and admins");
  StoreLease l(c.s);
  moderation::Moderation mod(*c.s.store, c.s.validator);
  mod.confirm(id, c.who->actor(), c.who->name);
  return json_response({{"place_id", id},
                        {"confirmed_at", moderation::last_confirmation(c.s.store->db(), id)},
                        {"confirmation_due", false}});
}

Response quality(const Call& c) {
  auto d = q_date(c.r);
  std::vector<registry::Place> places;
  std::map<std::string, std::string> confirmations;
  {
    StoreLease l(c.s);
    places = c.s.store->list({});
    confirmations = moderation::last_confirmations(c.s.store->db());
  }
  auto r = moderation::quality_report(places, confirmations, territory::CommuneTable::bundled(),
                                      moderation::bundled_published_counts(), d);
  return json_response(moderation::to_json(r));
}

}  // namespace maillage::api::contributions_api
