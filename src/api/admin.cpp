// Administration over HTTP: accounts (invite, roles, disable), bearer tokens (scope and expiry), the audit log
// and the mail outbox. Admins only (the route table says so).
#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"

namespace maillage::api::admin_api {

using nlohmann::json;

namespace {

json user_json(const accounts::User& u) {
  json roles = json::array();
  for (auto& g : u.roles) roles.push_back(g.place_id.empty() ? g.role : g.role + ":" + g.place_id);
  return {{"id", u.id},
          {"email", u.email},
          {"display_name", u.display_name},
          {"status", u.status},
          {"roles", roles},
          {"created_at", u.created_at},
          {"email_verified_at", u.email_verified_at},
          {"member_id", u.member_id},
          {"has_password", u.has_password}};
}

std::vector<accounts::RoleGrant> roles_of(const json& v) {
  if (!v.is_array() || v.size() > 200)
    throw bad("roles", "expected an array of roles (admin, editor, manager:PLACE, member)");
  std::vector<accounts::RoleGrant> out;
  for (auto& x : v) out.push_back(accounts::parse_role(body_text(x, "roles", false, 120)));
  return out;
}

std::string roles_fr(const std::vector<accounts::RoleGrant>& roles) {
  std::string out;
  for (auto& g : roles) {
    if (!out.empty()) out += ", ";
    out += g.role == "admin"    ? std::string("administrateur·rice")
           : g.role == "editor" ? std::string("éditeur·rice du réseau")
           : g.role == "member" ? std::string("membre")
                                : "gérant·e de " + g.place_id;
  }
  return out.empty() ? "aucun" : out;
}

void send_invitation(State& s, const accounts::User& u, const std::string& inviter) {
  auto ttl = s.auth.invitation_days * 24 * 3600;
  auto key = accounts::Accounts(s.store->db()).issue_key(u.id, "invitation", ttl);
  send_mail(s, "invitation", u.email,
            {{"name", u.display_name},
             {"inviter", inviter},
             {"roles", roles_fr(u.roles)},
             {"link", page_link(s, "cle/invitation/" + key)},
             {"expires", date::utc_after(ttl).substr(0, 10)}});
}

int page_number(const Request& r, const char* name, int fallback, int hi) {
  return static_cast<int>(q_number(r, name, fallback, 0, hi));
}

}  // namespace

Response users(const Call& c) {
  StoreLease l(c.s);
  json items = json::array();
  for (auto& u : accounts::Accounts(c.s.store->db()).list()) items.push_back(user_json(u));
  return json_response({{"items", items}});
}

Response invite(const Call& c) {
  auto b = body_object(c.r);
  std::string email, name;
  std::vector<accounts::RoleGrant> roles;
  for (auto& [k, v] : b.items()) {
    if (k == "email")
      email = body_text(v, k, false, 300);
    else if (k == "display_name")
      name = body_text(v, k, false, 200);
    else if (k == "roles")
      roles = roles_of(v);
    else
      throw bad(k, fmt::format("unknown field '{}' (email, display_name, roles)", k));
  }
  if (email.empty()) throw bad("email", "email is required");
  if (name.empty()) throw bad("display_name", "display_name is required");
  StoreLease l(c.s);
  auto& db = c.s.store->db();
  db::Transaction t(db);
  accounts::Accounts a(db);
  auto e = accounts::normalise_email(email);
  if (a.find_email(e)) throw Error(Errc::email_taken, "an account already has this address", "email");
  auto u = a.add(e, name, "invited", roles, c.who->actor());
  send_invitation(c.s, u, c.who->name);
  t.commit();
  return json_response(user_json(u), 201);
}

Response reinvite(const Call& c) {
  auto id = path_id(c.params[0], Errc::account_not_found, "no such account");
  StoreLease l(c.s);
  auto u = accounts::Accounts(c.s.store->db()).get(id);
  if (u.status != "invited") throw Error(Errc::wrong_state, "this account is no longer waiting for its invitation");
  send_invitation(c.s, u, c.who->name);
  return json_response(user_json(u));
}

Response update(const Call& c) {
  auto id = path_id(c.params[0], Errc::account_not_found, "no such account");
  auto b = body_object(c.r);
  std::optional<std::vector<accounts::RoleGrant>> roles;
  std::string status, name;
  for (auto& [k, v] : b.items()) {
    if (k == "roles")
      roles = roles_of(v);
    else if (k == "status")
      status = body_text(v, k, false, 20);
    else if (k == "display_name")
      name = body_text(v, k, false, 200);
    else
      throw bad(k, fmt::format("unknown field '{}' (roles, status, display_name)", k));
  }
  bool self = c.who->kind == "session" && c.who->id == id;
  if (self && status == "disabled")
    throw Error(Errc::conflict, "an admin does not disable their own account", "status");
  if (self && roles && std::none_of(roles->begin(), roles->end(), [](auto& g) { return g.role == "admin"; }))
    throw Error(Errc::conflict, "an admin does not remove their own admin role", "roles");
  StoreLease l(c.s);
  auto& db = c.s.store->db();
  db::Transaction t(db);
  accounts::Accounts a(db);
  a.get(id);
  if (roles) a.set_roles(id, *roles, c.who->actor());
  if (!status.empty()) a.set_status(id, status);
  if (!name.empty()) a.set_name(id, name);
  t.commit();
  return json_response(user_json(a.get(id)));
}

Response tokens(const Call& c) {
  StoreLease l(c.s);
  json items = json::array();
  for (auto& t : list_tokens(c.s.store->db()))
    items.push_back({{"id", t.id},
                     {"role", t.role},
                     {"label", t.label},
                     {"subject", t.subject},
                     {"created_at", t.created_at},
                     {"created_by", t.created_by},
                     {"expires_at", t.expires_at},
                     {"revoked_at", t.revoked_at}});
  return json_response({{"items", items}});
}

Response token_create(const Call& c) {
  auto b = body_object(c.r);
  std::string role, label, subject, expires;
  for (auto& [k, v] : b.items()) {
    if (k == "member") {
      subject = std::to_string(body_int(v, k, 1, int64_t{1} << 53));
      continue;
    }
    auto x = body_text(v, k, false, 200);
    if (k == "role")
      role = x;
    else if (k == "label")
      label = x;
    else if (k == "place")
      subject = x;
    else if (k == "expires")
      expires = x;
    else
      throw bad(k, fmt::format("unknown field '{}' (role, label, place, member, expires)", k));
  }
  if (role.empty()) throw bad("role", "role is required (admin, editor, manager, member)");
  if (role != "admin" && role != "editor" && role != "manager" && role != "member")
    throw bad("role", "expected admin, editor, manager or member");
  // A token made from the web page always ends: at most a year.
  if (expires.empty()) throw bad("expires", "an expiry date is required (YYYY-MM-DD, at most a year ahead)");
  if (expires > date::utc_after(366 * 24 * 3600).substr(0, 10)) throw bad("expires", "at most a year ahead");
  StoreLease l(c.s);
  Token t;
  std::string secret;
  try {
    secret = create_token(c.s.store->db(), role, label, &t, subject, expires, c.who->actor());
  } catch (const NotFound&) {
    throw;
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    throw bad(role == "manager" ? "place" : role == "member" ? "member" : "role", e.what());
  }
  return json_response({{"id", t.id},
                        {"token", secret},
                        {"role", t.role},
                        {"label", t.label},
                        {"subject", t.subject},
                        {"expires_at", t.expires_at}},
                       201);
}

Response token_revoke(const Call& c) {
  auto id = path_id(c.params[0], Errc::token_not_found, "no such token");
  StoreLease l(c.s);
  revoke_token(c.s.store->db(), id);
  return json_response({{"revoked", id}});
}

Response audit(const Call& c) {
  accounts::AuditFilter f;
  f.actor = q(c.r, "actor");
  f.action = q(c.r, "action");
  for (auto* x : {"since", "until"}) {
    auto v = q(c.r, x);
    std::string why;
    if (!v.empty() && !date::parse(v, why, false, true)) throw bad(x, "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    (std::string(x) == "since" ? f.since : f.until) = v;
  }
  f.limit = page_number(c.r, "limit", 100, 500);
  f.offset = page_number(c.r, "offset", 0, 1000000000);
  StoreLease l(c.s);
  auto page = accounts::audit_log(c.s.store->db(), f);
  json items = json::array();
  for (auto& e : page.items)
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"actor_label", e.actor_label},
                     {"action", e.action},
                     {"target", e.target},
                     {"status", e.status},
                     {"address", e.address},
                     {"detail", e.detail}});
  return json_response({{"items", items}, {"total", page.total}, {"limit", f.limit}, {"offset", f.offset}});
}

Response outbox(const Call& c) {
  auto status = q(c.r, "status");
  if (!status.empty() && status != "pending" && status != "sent" && status != "failed")
    throw bad("status", "expected pending, sent or failed");
  StoreLease l(c.s);
  mail::Outbox box(c.s.store->db());
  json items = json::array();
  for (auto& m : box.list(status, page_number(c.r, "limit", 100, 500), page_number(c.r, "offset", 0, 1000000000)))
    items.push_back({{"id", m.id},
                     {"event", m.m.event},
                     {"recipient", m.m.to},
                     {"subject", m.m.subject},
                     {"status", m.status},
                     {"attempts", m.attempts},
                     {"next_attempt_at", m.next_attempt_at},
                     {"last_error", m.last_error},
                     {"created_at", m.created_at},
                     {"sent_at", m.sent_at}});
  return json_response({{"counts", box.counts()}, {"items", items}});
}

Response outbox_retry(const Call& c) {
  auto id = path_id(c.params[0], Errc::message_not_found, "no such message");
  StoreLease l(c.s);
  mail::Outbox(c.s.store->db()).retry(id);
  if (c.s.on_mail) c.s.on_mail();
  return json_response({{"retried", id}});
}

}  // namespace maillage::api::admin_api
