// `maillage users ...` (accounts: the first admin, roles, disabling) and `maillage mail ...` (the outbox and the
// SMTP configuration). Every change is written to the audit log as cli:<login>.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"

namespace maillage::cli {

namespace {

struct UsersArgs {
  std::string who, email, name, place;
  std::vector<std::string> roles;
  bool password_stdin = false, off = false;
  std::string status;
  int64_t id = 0;
  int limit = 50;
};

void record(db::Database& db, const std::string& action, const std::string& target, const std::string& detail = "") {
  accounts::audit(db, {0, "", cli_actor(), "command line", action, target, 0, "", detail});
}

accounts::User find_user(accounts::Accounts& a, const std::string& who) {
  if (text::all_digits(who) && !who.empty() && who.size() < 18) return a.get(std::stoll(who));
  auto u = a.find_email(accounts::normalise_email(who, "user"));
  if (!u) throw NotFound(fmt::format("no account with address '{}'", text::printable(who, 100)));
  return *u;
}

std::vector<accounts::RoleGrant> grants(const std::vector<std::string>& roles) {
  std::vector<accounts::RoleGrant> out;
  for (auto& r : roles) out.push_back(accounts::parse_role(r, "--role"));
  return out;
}

std::string roles_text(const accounts::User& u) {
  std::vector<std::string> r;
  for (auto& g : u.roles) r.push_back(g.place_id.empty() ? g.role : g.role + ":" + g.place_id);
  return r.empty() ? "-" : text::join(r, ",");
}

void add_user(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  auto& db = store->db();
  accounts::Accounts a(db);
  std::string hash;
  if (x.password_stdin) {
    std::string pw;
    std::getline(std::cin, pw);
    accounts::check_password(pw, x.email);
    hash = accounts::hash_password(pw);
  }
  db::Transaction t(db);
  auto u = a.add(x.email, x.name, x.password_stdin ? "active" : "invited", grants(x.roles), cli_actor());
  if (x.password_stdin) a.set_password_hash(u.id, hash, true);
  record(db, "users add", fmt::format("user:{}", u.id), roles_text(u));
  std::string link;
  if (!x.password_stdin) {
    auto cfg = mail::Config::from_env();
    auto key = a.issue_key(u.id, "invitation", 7 * 24 * 3600);
    link = cfg.public_url + "/#cle/invitation/" + key;
    mail::Outbox(db).enqueue(mail::render("invitation", u.email,
                                          {{"name", u.display_name},
                                           {"inviter", "L'équipe Maillage"},
                                           {"roles", roles_text(u)},
                                           {"link", link},
                                           {"expires", date::utc_after(7 * 24 * 3600).substr(0, 10)}}));
  }
  t.commit();
  std::cout << fmt::format("account {} ({}) created: {}, roles {}\n", u.id, u.email,
                           x.password_stdin ? "active" : "invited", roles_text(a.get(u.id)));
  if (!link.empty())
    std::cerr << "invitation queued in the mail outbox; the link (valid 7 days, once) is also:\n" << link << '\n';
}

void list_users(const Globals& g) {
  auto store = open_store(g);
  accounts::Accounts a(store->db());
  std::cout << fmt::format("{:>4}  {:<32} {:<24} {:<10} {}\n", "id", "email", "name", "status", "roles");
  for (auto& u : a.list())
    std::cout << fmt::format("{:>4}  {:<32} {:<24} {:<10} {}\n", u.id, u.email, text::printable(u.display_name, 24),
                             u.status, roles_text(u));
}

void set_roles(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  accounts::Accounts a(store->db());
  auto u = find_user(a, x.who);
  a.set_roles(u.id, grants(x.roles), cli_actor());
  auto after = a.get(u.id);
  record(store->db(), "users set-role", fmt::format("user:{}", u.id), roles_text(after));
  std::cout << fmt::format("account {} ({}): roles {}\n", u.id, u.email, roles_text(after));
}

void set_status(const Globals& g, const UsersArgs& x, const std::string& status) {
  auto store = open_store(g);
  accounts::Accounts a(store->db());
  auto u = find_user(a, x.who);
  a.set_status(u.id, status);
  record(store->db(), "users " + std::string(status == "disabled" ? "disable" : "enable"),
         fmt::format("user:{}", u.id));
  std::cout << fmt::format("account {} ({}) {}{}\n", u.id, u.email, status,
                           status == "disabled" ? "; its sessions ended" : "");
}

void export_user(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  accounts::Accounts a(store->db());
  auto u = find_user(a, x.who);
  std::cout << accounts::personal_data(store->db(), u.id).dump(2) << '\n';
  record(store->db(), "users export", fmt::format("user:{}", u.id));
}

void erase_user(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  accounts::Accounts a(store->db());
  auto u = find_user(a, x.who);
  a.erase(u.id);
  record(store->db(), "users erase", fmt::format("user:{}", u.id));
  std::cout << fmt::format("account {} erased: address, name and password removed, sessions ended\n", u.id);
}

void allow_registration(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  accounts::Accounts(store->db()).set_self_registration(x.place, !x.off);
  record(store->db(), "users allow-registration", x.place, x.off ? "off" : "on");
  std::cout << fmt::format("place {}: self-registration {}\n", x.place, x.off ? "off" : "on");
}

void mail_list(const Globals& g, const UsersArgs& x) {
  auto store = open_store(g);
  mail::Outbox box(store->db());
  for (auto& [k, v] : box.counts()) std::cout << fmt::format("{}: {}  ", k, v);
  std::cout << '\n';
  for (auto& m : box.list(x.status, x.limit, 0))
    std::cout << fmt::format("{:>5}  {:<8} {:<20} {:<30} attempts {} next {}{}\n", m.id, m.status, m.m.event, m.m.to,
                             m.attempts, m.next_attempt_at, m.last_error.empty() ? "" : "  (" + m.last_error + ")");
}

void mail_send(const Globals& g) {
  auto store = open_store(g);
  mail::Outbox box(store->db());
  auto r = mail::deliver_due(box, mail::Config::from_env(), {});
  std::cout << fmt::format("{} sent, {} failed{}\n", r.sent, r.failed, r.failed ? " (" + r.last_error + ")" : "");
  if (r.failed) throw Error("some messages could not be sent; they stay in the outbox");
}

}  // namespace

void add_users_commands(CLI::App& app, Globals& g) {
  auto x = std::make_shared<UsersArgs>();
  auto* u =
      app.add_subcommand("users", "accounts of the people who sign in (roles: admin, editor, manager:PLACE, member)");
  u->require_subcommand(1);
  auto* add = u->add_subcommand("add",
                                "create an account: with --password-stdin, active at once (the first admin); "
                                "else invited (a one-time link by mail, also printed)");
  add->add_option("--email", x->email, "the person's address")->required();
  add->add_option("--name", x->name, "display name")->required();
  add->add_option("--role", x->roles, "admin, editor, manager:PLACE or member (repeatable)");
  add->add_flag("--password-stdin", x->password_stdin, "read the password from the first line of standard input");
  add->callback([&g, x] { add_user(g, *x); });
  u->add_subcommand("list", "accounts, their status and roles")->callback([&g] { list_users(g); });
  auto* sr = u->add_subcommand("set-role", "replace an account's roles");
  sr->add_option("user", x->who, "account id or e-mail")->required();
  sr->add_option("--role", x->roles, "admin, editor, manager:PLACE or member (repeatable; none: no role)");
  sr->callback([&g, x] { set_roles(g, *x); });
  auto* dis = u->add_subcommand("disable", "disable an account: its sessions end at once");
  dis->add_option("user", x->who, "account id or e-mail")->required();
  dis->callback([&g, x] { set_status(g, *x, "disabled"); });
  auto* en = u->add_subcommand("enable", "enable a disabled account again");
  en->add_option("user", x->who, "account id or e-mail")->required();
  en->callback([&g, x] { set_status(g, *x, "active"); });
  auto* ex = u->add_subcommand("export", "everything held about a person, as JSON (GDPR access request)");
  ex->add_option("user", x->who, "account id or e-mail")->required();
  ex->callback([&g, x] { export_user(g, *x); });
  auto* er = u->add_subcommand("erase",
                               "erase a person's data (GDPR): address, name, password; the account is "
                               "disabled, its bookings kept without name");
  er->add_option("user", x->who, "account id or e-mail")->required();
  er->callback([&g, x] { erase_user(g, *x); });
  auto* ar = u->add_subcommand("allow-registration", "let people register themselves as members of a place");
  ar->add_option("place", x->place, "place id")->required();
  ar->add_flag("--off", x->off, "stop it");
  ar->callback([&g, x] { allow_registration(g, *x); });

  auto* m = app.add_subcommand("mail", "outgoing mail: configuration, outbox, sending");
  m->require_subcommand(1);
  m->footer(
      "Configuration (environment): MAILLAGE_SMTP_URL (smtp://host:587, smtps://host:465), MAILLAGE_MAIL_FROM, "
      "MAILLAGE_SMTP_USER, MAILLAGE_SMTP_PASSWORD_FILE, MAILLAGE_SMTP_TLS (none, try, required), "
      "MAILLAGE_PUBLIC_URL (links in mails). See docs/accounts.md.");
  m->add_subcommand("config", "print the mail configuration read from the environment")->callback([] {
    std::cout << mail::Config::from_env().describe();
  });
  auto* ml = m->add_subcommand("list", "the outbox: counts, then the latest messages");
  ml->add_option("--status", x->status, "pending, sent or failed")->check(CLI::IsMember({"pending", "sent", "failed"}));
  ml->add_option("--limit", x->limit, "messages shown (default 50)")->check(CLI::Range(1, 10000));
  ml->callback([&g, x] { mail_list(g, *x); });
  m->add_subcommand("send", "send the due messages now (the server does it by itself)")->callback([&g] {
    mail_send(g);
  });
  auto* mr = m->add_subcommand("retry", "send a failed message again");
  mr->add_option("id", x->id, "message id")->required();
  mr->callback([&g, x] {
    auto store = open_store(g);
    mail::Outbox(store->db()).retry(x->id);
    std::cout << fmt::format("message {} is pending again\n", x->id);
  });
  auto* mt = m->add_subcommand("test", "send a test message now, through the configured server");
  mt->add_option("address", x->email, "recipient")->required();
  mt->callback([x] {
    auto to = accounts::normalise_email(x->email, "address");
    mail::send(mail::Config::from_env(), mail::render("already_registered", to, {{"name", to}, {"link", "(test)"}}));
    std::cout << "sent\n";
  });
}

}  // namespace maillage::cli
