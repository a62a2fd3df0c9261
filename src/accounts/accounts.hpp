#pragma once
// People who sign in: accounts with roles (admin, editor, manager of given places, member), one-time keys
// (invitation, password reset, e-mail verification) and sessions. Plain functions over the SQLite database; the
// caller holds the connection's lock. Nothing here sends mail or knows HTTP: the API layer asks for a key and
// hands it to the outbox (src/mail).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/db.hpp"

namespace maillage::accounts {

struct RoleGrant {
  std::string role;      // admin, editor, manager, member
  std::string place_id;  // manager: the place; empty otherwise
  bool operator==(const RoleGrant&) const = default;
};

struct User {
  int64_t id = 0;
  std::string email, display_name, status;  // status: invited, unverified, active, disabled
  std::string email_verified_at, created_at;
  int64_t member_id = 0;  // the booking member of this person (0: none yet)
  bool has_password = false;
  std::vector<RoleGrant> roles;
  bool has_role(const std::string& r) const;
  bool manages(const std::string& place_id) const;
};

inline constexpr const char* kRoles[] = {"admin", "editor", "manager", "member"};
// "admin", "manager:PLACE" ... parsed; InputError naming `field` when unknown or a manager without a place.
RoleGrant parse_role(const std::string& text, const std::string& field = "roles");

class Accounts {
 public:
  explicit Accounts(db::Database& db) : db_(db) {}

  // A new account (status invited, unverified or active) with its roles; Conflict-free: InputError on "email"
  // when the address is taken (callers that must not reveal it check `find_email` first).
  User add(const std::string& email, const std::string& display_name, const std::string& status,
           const std::vector<RoleGrant>& roles, const std::string& by);
  std::optional<User> find(int64_t id);
  std::optional<User> find_email(const std::string& email);
  User get(int64_t id);  // NotFound
  std::vector<User> list();
  // Replaces the roles; a manager role names an existing place (NotFound), a member role makes the booking member.
  void set_roles(int64_t user, const std::vector<RoleGrant>& roles, const std::string& by);
  // active, disabled: disabling revokes every session at once.
  void set_status(int64_t user, const std::string& status);
  void set_name(int64_t user, const std::string& name);
  // The address is confirmed (a verification link was followed): an unverified account becomes active.
  void verify_email(int64_t user);
  // Stores the hash (computed by the caller, outside any lock), marks the address verified when asked, makes an
  // invited account active and revokes every session (a reset signs out everywhere).
  void set_password_hash(int64_t user, const std::string& hash, bool verified);
  // The password hash (empty when none) and status, for the sign-in.
  std::pair<std::string, std::string> credentials(int64_t user);
  // GDPR erasure: the account keeps its id (the audit log and the bookings refer to it) but loses the address,
  // the name and the password; its sessions and keys end; its booking member and the mails to it lose the
  // address and the name too. The audit log keeps the name it recorded (append-only; docs/accounts.md).
  void erase(int64_t user);
  // The booking member of the person, made from their e-mail and name when missing (an existing member with the
  // same e-mail is linked).
  int64_t ensure_member(int64_t user);

  // One-time keys. `issue` returns the secret (to put in a link); `use` consumes it at most once, and returns
  // the account when it is valid (right purpose, not expired, not used).
  std::string issue_key(int64_t user, const std::string& purpose, int64_t ttl_seconds);
  std::optional<int64_t> use_key(const std::string& secret, const std::string& purpose);
  // The account a key would open, without consuming it (to show the form).
  std::optional<int64_t> peek_key(const std::string& secret, const std::string& purpose);

  // Places that let people register themselves as members.
  void set_self_registration(const std::string& place_id, bool allowed);
  std::vector<std::string> self_registration_places();
  void add_membership(int64_t user, const std::string& place_id);

 private:
  db::Database& db_;
};

// Everything the database holds about a person (GDPR access): account, roles, sessions, booking member,
// memberships and bookings, mails sent, actions recorded.
nlohmann::json personal_data(db::Database& db, int64_t user);

struct Session {
  int64_t id = 0, user_id = 0;
  std::string csrf, created_at, last_seen_at, expires_at, address, user_agent;
};

struct SessionPolicy {
  int64_t lifetime_s = 14 * 24 * 3600;  // absolute: a session ends 14 days after sign-in
  int64_t idle_s = 2 * 24 * 3600;       // and after 2 days without a request
  int64_t touch_s = 300;                // last_seen_at is written at most every 5 minutes
};

class Sessions {
 public:
  explicit Sessions(db::Database& db, SessionPolicy p = {}) : db_(db), p_(p) {}
  struct Opened {
    std::string secret;  // the cookie's value; stored only as its hash
    Session session;
  };
  Opened open(int64_t user, const std::string& address, const std::string& user_agent);
  // The live session of a cookie: not revoked, not expired, not idle, its account active. Touches it.
  std::optional<Session> find(const std::string& secret);
  std::vector<Session> of_user(int64_t user);     // live sessions, newest first
  void revoke(int64_t user, int64_t session_id);  // NotFound when not one of theirs
  int revoke_all(int64_t user);
  const SessionPolicy& policy() const { return p_; }

 private:
  db::Database& db_;
  SessionPolicy p_;
};

}  // namespace maillage::accounts
