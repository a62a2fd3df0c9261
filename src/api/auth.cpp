// Signing in and out, sessions, self-registration, invitations and password resets (the routes under /auth).
// The rules (hashes, keys, sessions, brakes) are the accounts library's; this file joins them to mail and HTTP.
// No answer says whether an address has an account: sign-in failures share one message, and the requests that
// mail an address (reset, registration) answer 202 with the same words whatever happened.
#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "accounts/throttle.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"

namespace maillage::api {

using nlohmann::json;

std::string session_cookie(const std::string& header) {
  // Cookie: a=b; __Host-maillage=SECRET; ...
  for (const char* name : {"__Host-maillage=", "maillage_session="}) {
    size_t at = 0;
    while ((at = header.find(name, at)) != std::string::npos) {
      if (at == 0 || header[at - 1] == ' ' || header[at - 1] == ';') {
        auto start = at + std::string_view(name).size();
        auto end = header.find(';', start);
        return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
      }
      ++at;
    }
  }
  return {};
}

std::pair<std::string, std::string> set_session_cookie(const AuthOptions& a, const std::string& secret) {
  auto age = a.session_days * 24 * 3600;
  return {"Set-Cookie",
          a.secure_cookies
              ? fmt::format("__Host-maillage={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict", secret, age)
              : fmt::format("maillage_session={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict", secret, age)};
}

std::pair<std::string, std::string> clear_session_cookie(const AuthOptions& a) {
  return {"Set-Cookie", a.secure_cookies ? "__Host-maillage=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
                                         : "maillage_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"};
}

accounts::SessionPolicy session_policy(const AuthOptions& a) {
  accounts::SessionPolicy p;
  p.lifetime_s = a.session_days * 24 * 3600;
  p.idle_s = a.idle_hours * 3600;
  return p;
}

namespace auth_api {

namespace {

// The body's members as text, each checked; unknown members refused (400 naming them).
std::map<std::string, std::string> text_fields(const Call& c, std::initializer_list<const char*> known) {
  std::map<std::string, std::string> out;
  auto b = body_object(c.r);
  for (auto& item : b.items()) {
    const std::string& k = item.key();
    const auto& v = item.value();
    if (std::find_if(known.begin(), known.end(), [&](const char* x) { return k == x; }) == known.end()) {
      std::string names;
      for (auto* x : known) names += (names.empty() ? "" : ", ") + std::string(x);
      throw bad(k, fmt::format("unknown field '{}' ({})", k, names));
    }
    out[k] = body_text(v, k, false, 1000);
  }
  return out;
}

std::string required(std::map<std::string, std::string>& f, const std::string& name) {
  auto it = f.find(name);
  if (it == f.end() || it->second.empty()) throw bad(name, fmt::format("{} is required", name));
  return it->second;
}

void record(State& s, const std::string& actor, const std::string& label, const std::string& action,
            const std::string& target, int status, const Call& c) {
  accounts::audit(s.store->db(), {0, "", actor, label, action, target, status, c.r.address, ""});
}

json roles_json(const Principal& p) {
  json roles = json::array();
  if (p.admin) roles.push_back("admin");
  if (p.editor) roles.push_back("editor");
  for (auto& x : p.places) roles.push_back("manager:" + x);
  if (p.member_id) roles.push_back("member");
  return roles;
}

json session_json(State& s, const Principal& p) {
  json places = json::array();
  for (auto& id : p.places) {
    auto place = s.store->get(id);
    places.push_back({{"id", id}, {"name", place ? place->name : id}});
  }
  return {{"signed_in", true},
          {"kind", p.kind},
          {"user",
           {{"id", p.id},
            {"display_name", p.name},
            {"email", p.email},
            {"roles", roles_json(p)},
            {"places", places},
            {"member_id", p.member_id}}},
          {"csrf", p.csrf}};
}

const std::string kAccepted =
    "if this address may receive it, a message is on its way; it may take a few minutes (check the spam folder)";

// Refuses the request when the address sent too many mail-sending requests this hour.
void limit_address(State& s, const Call& c) {
  if (!allow(s, *s.mail_by_address, c.r.address))
    throw Error(Errc::too_many_requests, "too many requests from this address; try again in an hour");
}

int64_t key_user(State& s, const std::string& key, const std::string& purpose, bool consume) {
  std::optional<int64_t> user;
  {
    StoreLease l(s);
    accounts::Accounts a(s.store->db());
    user = consume ? a.use_key(key, purpose) : a.peek_key(key, purpose);
  }
  if (!user) throw bad("key", "this link is invalid, expired or was already used");
  return *user;
}

}  // namespace

Response session_get(const Call& c) {
  if (!c.who) return json_response({{"signed_in", false}});
  StoreLease l(c.s);
  return json_response(session_json(c.s, *c.who));
}

Response sign_in(const Call& c) {
  auto& s = c.s;
  auto f = text_fields(c, {"email", "password"});
  auto email = accounts::normalise_email(required(f, "email"));
  auto password = required(f, "password");
  auto now = date::unix_now();
  auto account_key = "account:" + email, address_key = "address:" + c.r.address;
  accounts::ThrottlePolicy acc{s.auth.account_free_failures, s.auth.max_delay_s};
  accounts::ThrottlePolicy addr{s.auth.address_free_failures, s.auth.max_delay_s};
  int64_t user = 0;
  std::string hash, status;
  {
    StoreLease l(s);
    auto& db = s.store->db();
    auto wait = std::max(accounts::FailureThrottle(db, acc).wait_s(account_key, now),
                         accounts::FailureThrottle(db, addr).wait_s(address_key, now));
    if (wait > 0) {
      Error e(Errc::too_many_attempts, fmt::format("too many failed attempts: try again in {} s", wait));
      e.retry_after = wait;
      throw e;
    }
    if (auto u = accounts::Accounts(db).find_email(email))
      std::tie(hash, status) = accounts::Accounts(db).credentials(user = u->id);
  }
  // The slow part, outside the lock; an unknown address costs the same time.
  bool ok = false;
  if (hash.empty())
    accounts::verify_dummy(password);
  else
    ok = accounts::verify_password(hash, password);
  StoreLease l(s);
  auto& db = s.store->db();
  if (!ok) {
    accounts::FailureThrottle(db, acc).fail(account_key, now);
    accounts::FailureThrottle(db, addr).fail(address_key, now);
    record(s, user ? fmt::format("user:{}", user) : "anonymous", "", "sign_in_failed", email, 401, c);
    throw Error(Errc::wrong_credentials, "wrong e-mail or password");
  }
  // The password is right: saying why the account cannot sign in tells its owner only.
  if (status == "disabled") throw Error(Errc::account_disabled, "this account is disabled");
  if (status != "active") throw Error(Errc::email_not_verified, "confirm your address first (see the mail)");
  accounts::FailureThrottle(db, acc).clear(account_key);
  auto opened = accounts::Sessions(db, session_policy(s.auth)).open(user, c.r.address, c.r.user_agent);
  auto p = principal_of_user(s, user);
  p.session_id = opened.session.id;
  p.csrf = opened.session.csrf;
  record(s, p.actor(), p.name, "sign_in", "", 200, c);
  auto res = json_response(session_json(s, p));
  res.headers.push_back(set_session_cookie(s.auth, opened.secret));
  return res;
}

Response sign_out(const Call& c) {
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token has no session to end (revoke it)");
  StoreLease l(c.s);
  accounts::Sessions(c.s.store->db()).revoke(c.who->id, c.who->session_id);
  record(c.s, c.who->actor(), c.who->name, "sign_out", "", 200, c);
  auto res = json_response({{"signed_in", false}});
  res.headers.push_back(clear_session_cookie(c.s.auth));
  return res;
}

Response sessions(const Call& c) {
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token has no sessions");
  StoreLease l(c.s);
  json items = json::array();
  for (auto& x : accounts::Sessions(c.s.store->db(), session_policy(c.s.auth)).of_user(c.who->id))
    items.push_back({{"id", x.id},
                     {"created_at", x.created_at},
                     {"last_seen_at", x.last_seen_at},
                     {"expires_at", x.expires_at},
                     {"address", x.address},
                     {"user_agent", x.user_agent},
                     {"current", x.id == c.who->session_id}});
  return json_response({{"items", items}});
}

Response session_revoke(const Call& c) {
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token has no sessions");
  auto id = path_id(c.params[0], Errc::session_not_found, "no such session");
  StoreLease l(c.s);
  accounts::Sessions(c.s.store->db()).revoke(c.who->id, id);
  record(c.s, c.who->actor(), c.who->name, "session_revoked", std::to_string(id), 200, c);
  auto res = json_response({{"revoked", id}});
  if (id == c.who->session_id) res.headers.push_back(clear_session_cookie(c.s.auth));
  return res;
}

Response sign_out_everywhere(const Call& c) {
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token has no sessions");
  StoreLease l(c.s);
  int n = accounts::Sessions(c.s.store->db()).revoke_all(c.who->id);
  record(c.s, c.who->actor(), c.who->name, "sign_out_everywhere", "", 200, c);
  auto res = json_response({{"revoked", n}, {"signed_in", false}});
  res.headers.push_back(clear_session_cookie(c.s.auth));
  return res;
}

Response change_password(const Call& c) {
  auto& s = c.s;
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token has no password");
  auto f = text_fields(c, {"current", "password"});
  auto current = required(f, "current"), password = required(f, "password");
  accounts::check_password(password, c.who->email);
  std::string hash;
  {
    StoreLease l(s);
    hash = accounts::Accounts(s.store->db()).credentials(c.who->id).first;
  }
  if (!accounts::verify_password(hash, current)) throw bad("current", "the current password is wrong");
  auto fresh = accounts::hash_password(password);
  StoreLease l(s);
  auto& db = s.store->db();
  accounts::Accounts(db).set_password_hash(c.who->id, fresh, false);  // every session ends, this one reopens
  auto opened = accounts::Sessions(db, session_policy(s.auth)).open(c.who->id, c.r.address, c.r.user_agent);
  record(s, c.who->actor(), c.who->name, "password_changed", "", 200, c);
  auto p = principal_of_user(s, c.who->id);
  p.session_id = opened.session.id;
  p.csrf = opened.session.csrf;
  auto res = json_response(session_json(s, p));
  res.headers.push_back(set_session_cookie(s.auth, opened.secret));
  return res;
}

Response register_member(const Call& c) {
  auto& s = c.s;
  auto f = text_fields(c, {"email", "display_name", "password", "place"});
  auto email = accounts::normalise_email(required(f, "email"));
  auto name = accounts::clean_name(required(f, "display_name"));
  auto password = required(f, "password");
  auto place = required(f, "place");
  accounts::check_password(password, email);
  {
    StoreLease l(s);
    auto open = accounts::Accounts(s.store->db()).self_registration_places();
    if (std::find(open.begin(), open.end(), place) == open.end())
      throw bad("place", "this place does not take registrations here (ask its team for an invitation)");
  }
  limit_address(s, c);
  auto hash = accounts::hash_password(password);  // in every case: the time does not tell either
  StoreLease l(s);
  auto& db = s.store->db();
  accounts::Accounts a(db);
  auto existing = a.find_email(email);
  if (allow(s, *s.mail_by_recipient, email)) {
    if (existing && existing->status != "unverified") {
      send_mail(s, "already_registered", email,
                {{"name", existing->display_name}, {"link", page_link(s, "connexion/oubli")}});
    } else {
      db::Transaction t(db);
      // An account still unverified keeps its password (whoever registers the address again only gets the
      // link sent to it again); a new one stores the hash, usable once the address is confirmed.
      int64_t id = existing ? existing->id : a.add(email, name, "unverified", {{"member", ""}}, "self-registration").id;
      if (!existing) db.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(1, hash).bind(2, id).run();
      a.add_membership(id, place);
      auto key = a.issue_key(id, "verification", s.auth.verification_days * 24 * 3600);
      send_mail(s, "verification", email,
                {{"name", name},
                 {"link", page_link(s, "cle/verification/" + key)},
                 {"expires", date::utc_after(s.auth.verification_days * 24 * 3600).substr(0, 10)}});
      record(s, fmt::format("user:{}", id), name, "register", place, 202, c);
      t.commit();
    }
  }
  return json_response({{"message", kAccepted}}, 202);
}

Response verify(const Call& c) {
  auto f = text_fields(c, {"key"});
  auto user = key_user(c.s, required(f, "key"), "verification", true);
  StoreLease l(c.s);
  accounts::Accounts(c.s.store->db()).verify_email(user);
  record(c.s, fmt::format("user:{}", user), "", "email_verified", "", 200, c);
  return json_response({{"verified", true}});
}

Response invitation_get(const Call& c) {
  auto user = key_user(c.s, q(c.r, "key"), "invitation", false);
  StoreLease l(c.s);
  auto u = accounts::Accounts(c.s.store->db()).get(user);
  return json_response({{"email", u.email}, {"display_name", u.display_name}});
}

// Sets the password of the account a one-time key opens (an invitation or a reset): the key is consumed, the
// address counts as verified (the mail reached it), every session of the account ends.
Response set_password_with_key(const Call& c, const std::string& purpose) {
  auto& s = c.s;
  auto f = text_fields(c, {"key", "password", "display_name"});
  auto key = required(f, "key"), password = required(f, "password");
  std::string name = f.count("display_name") ? accounts::clean_name(f["display_name"]) : "";
  auto user = key_user(s, key, purpose, false);
  std::string email;
  {
    StoreLease l(s);
    email = accounts::Accounts(s.store->db()).get(user).email;
  }
  accounts::check_password(password, email);
  auto hash = accounts::hash_password(password);
  key_user(s, key, purpose, true);  // consumed now: of two racing requests, one fails here
  StoreLease l(s);
  accounts::Accounts a(s.store->db());
  a.set_password_hash(user, hash, true);
  if (!name.empty()) a.set_name(user, name);
  record(s, fmt::format("user:{}", user), name, purpose == "invitation" ? "invitation_accepted" : "password_reset", "",
         200, c);
  return json_response({{"email", email}, {"password_set", true}});
}

Response invitation_accept(const Call& c) { return set_password_with_key(c, "invitation"); }
Response reset_confirm(const Call& c) { return set_password_with_key(c, "reset"); }

Response reset_request(const Call& c) {
  auto& s = c.s;
  auto f = text_fields(c, {"email"});
  auto email = accounts::normalise_email(required(f, "email"));
  limit_address(s, c);
  StoreLease l(s);
  accounts::Accounts a(s.store->db());
  auto u = a.find_email(email);
  if (u && u->status != "disabled" && allow(s, *s.mail_by_recipient, email)) {
    auto ttl = s.auth.reset_minutes * 60;
    auto key = a.issue_key(u->id, "reset", ttl);
    send_mail(s, "reset", email,
              {{"name", u->display_name},
               {"link", page_link(s, "cle/reinitialisation/" + key)},
               {"expires", date::utc_after(ttl).substr(0, 16).replace(10, 1, " à ") + " UTC"}});
    record(s, fmt::format("user:{}", u->id), u->display_name, "reset_requested", "", 202, c);
  }
  return json_response({{"message", kAccepted}}, 202);
}

Response export_mine(const Call& c) {
  if (c.who->kind != "session") throw Error(Errc::input_refused, "a token holds no personal data; sign in");
  StoreLease l(c.s);
  auto res = json_response(accounts::personal_data(c.s.store->db(), c.who->id));
  res.filename = "mes-donnees-maillage.json";
  return res;
}

Response signup_places(const Call& c) {
  StoreLease l(c.s);
  json items = json::array();
  for (auto& id : accounts::Accounts(c.s.store->db()).self_registration_places())
    if (auto p = c.s.store->get(id)) items.push_back({{"id", id}, {"name", p->name}});
  return json_response({{"items", items}});
}

Response self_registration(const Call& c) {
  auto& id = c.params[0];
  require_place(c.s, id);
  if (!c.who->registry() && !c.who->manages(id))
    throw Error(Errc::forbidden, "a place's self-registration is set by its managers, editors and admins");
  auto b = body_object(c.r);
  if (b.size() != 1 || !b.contains("allowed") || !b["allowed"].is_boolean())
    throw bad("allowed", "expected {\"allowed\": true|false}");
  StoreLease l(c.s);
  accounts::Accounts(c.s.store->db()).set_self_registration(id, b["allowed"].get<bool>());
  return json_response({{"place_id", id}, {"self_registration", b["allowed"]}});
}

}  // namespace auth_api
}  // namespace maillage::api
