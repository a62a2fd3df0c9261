#pragma once
// Outgoing mail: French templates (plain text with an HTML alternative), a persistent outbox in the database
// (nothing is lost while the SMTP server is away: retries with growing back-off, every message's state visible),
// and delivery through SMTP with libcurl (STARTTLS or SMTPS, authentication). Configured in one place: the
// environment (MAILLAGE_SMTP_URL ...), read by `Config::from_env`, printed by `maillage mail config`.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace maillage::mail {

struct Message {
  std::string event;  // invitation, reset, verification, ... (the template's name)
  std::string to;     // one address, checked by accounts::normalise_email
  std::string subject, text, html;
};

// The events that send mail and the names their template expects (every value is plain text: the HTML part
// escapes it). Error when the event is unknown or a name is missing.
std::vector<std::string> events();
Message render(const std::string& event, const std::string& to, const std::map<std::string, std::string>& values);

struct Config {
  std::string smtp_url;  // smtp://host:25, smtp://host:587 (STARTTLS when offered), smtps://host:465; empty: no sending
  std::string from = "Maillage <maillage@localhost>";
  std::string user, password;                        // SMTP authentication (password from MAILLAGE_SMTP_PASSWORD_FILE)
  std::string tls = "try";                           // none, try (STARTTLS when the server offers it), required
  std::string public_url = "http://localhost:8080";  // the address of the web page, for links in mails
  int timeout_s = 30;
  // MAILLAGE_SMTP_URL, MAILLAGE_MAIL_FROM, MAILLAGE_SMTP_USER, MAILLAGE_SMTP_PASSWORD_FILE, MAILLAGE_SMTP_TLS,
  // MAILLAGE_PUBLIC_URL; Error when one is malformed.
  static Config from_env();
  std::string describe() const;  // for `maillage mail config` (the password hidden)
};

// Sends one message now; Error with the SMTP server's or libcurl's words when it fails.
void send(const Config& c, const Message& m);

struct Stored {
  int64_t id = 0;
  Message m;
  std::string status;  // pending, sent, failed
  int attempts = 0;
  std::string next_attempt_at, last_error, created_at, sent_at;
};

struct RetryPolicy {
  int64_t first_delay_s = 60;  // then 2, 4, 8 ... minutes
  int64_t max_delay_s = 6 * 3600;
  int max_attempts = 12;  // about two days; then 'failed' (an admin may retry it)
};

class Outbox {
 public:
  explicit Outbox(db::Database& db) : db_(db) {}
  int64_t enqueue(const Message& m);
  std::vector<Stored> due(int limit);  // pending messages whose time came, oldest first
  // Takes a due message for this deliverer: true when its time was still `seen_due_at` (nobody claimed it since
  // it was read), and then moved `lease_s` on, so that another deliverer leaves it; a deliverer that dies while
  // sending leaves it to be retried after the lease (a message is then sent at least once, as SMTP can promise).
  bool claim(int64_t id, const std::string& seen_due_at, int lease_s = 600);
  void sent(int64_t id);
  void failed(int64_t id, const std::string& error, const RetryPolicy& p);
  void retry(int64_t id);  // a failed (or pending) message goes again now; NotFound
  std::vector<Stored> list(const std::string& status, int limit, int offset);
  std::optional<Stored> get(int64_t id);
  std::map<std::string, int64_t> counts();

 private:
  db::Database& db_;
};

struct DeliveryReport {
  int sent = 0, failed = 0;
  std::string last_error;
};
// Sends the due messages (at most `max`), recording each outcome.
DeliveryReport deliver_due(Outbox& box, const Config& c, const RetryPolicy& p, int max = 100);

}  // namespace maillage::mail
