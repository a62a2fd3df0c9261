// The persistent outbox: a message is stored before anyone tries to send it, and keeps its state (pending,
// sent, failed), its attempts and the last error.

#include <algorithm>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"

namespace maillage::mail {

namespace {
constexpr const char* kColumns =
    "id, event, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, "
    "COALESCE(last_error, ''), created_at, COALESCE(sent_at, '')";
Stored read(db::Statement& st) {
  Stored s;
  s.id = st.int64(0);
  s.m = {st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)};
  s.status = st.text(6);
  s.attempts = static_cast<int>(st.int64(7));
  s.next_attempt_at = st.text(8);
  s.last_error = st.text(9);
  s.created_at = st.text(10);
  s.sent_at = st.text(11);
  return s;
}
}  // namespace

int64_t Outbox::enqueue(const Message& m) {
  auto now = date::now_utc();
  auto st = db_.prepare(
      "INSERT INTO mail_outbox (event, recipient, subject, body_text, body_html, status, next_attempt_at, "
      "created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id");
  st.bind(1, m.event).bind(2, m.to).bind(3, m.subject).bind(4, m.text).bind(5, m.html).bind(6, now).bind(7, now).step();
  return st.int64(0);
}

std::vector<Stored> Outbox::due(int limit) {
  std::vector<Stored> out;
  auto st =
      db_.prepare(fmt::format("SELECT {} FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ? "
                              "ORDER BY next_attempt_at, id LIMIT ?",
                              kColumns));
  st.bind(1, date::now_utc()).bind(2, limit);
  while (st.step()) out.push_back(read(st));
  return out;
}

bool Outbox::claim(int64_t id, const std::string& seen_due_at, int lease_s) {
  db_.prepare("UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?")
      .bind(1, date::utc_after(lease_s))
      .bind(2, id)
      .bind(3, seen_due_at)
      .run();
  return db_.changes() == 1;
}

void Outbox::sent(int64_t id) {
  db_.prepare(
         "UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL "
         "WHERE id = ?")
      .bind(1, date::now_utc())
      .bind(2, id)
      .run();
}

void Outbox::failed(int64_t id, const std::string& error, const RetryPolicy& p) {
  auto st = db_.prepare("SELECT attempts FROM mail_outbox WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return;
  int attempts = static_cast<int>(st.int64(0)) + 1;
  int64_t delay = std::min<int64_t>(p.first_delay_s << std::min(attempts - 1, 30), p.max_delay_s);
  db_.prepare("UPDATE mail_outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ? WHERE id = ?")
      .bind(1, attempts)
      .bind(2, text::printable(error, 500))
      .bind(3, date::utc_after(delay))
      .bind(4, attempts >= p.max_attempts ? "failed" : "pending")
      .bind(5, id)
      .run();
}

void Outbox::retry(int64_t id) {
  db_.prepare("UPDATE mail_outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status != 'sent'")
      .bind(1, date::now_utc())
      .bind(2, id)
      .run();
  if (db_.changes() == 0) throw NotFound(fmt::format("no unsent message {}", id), Errc::message_not_found);
}

std::vector<Stored> Outbox::list(const std::string& status, int limit, int offset) {
  std::vector<Stored> out;
  auto st =
      db_.prepare(fmt::format("SELECT {} FROM mail_outbox WHERE (?1 = '' OR status = ?1) ORDER BY id DESC "
                              "LIMIT ?2 OFFSET ?3",
                              kColumns));
  st.bind(1, status, false).bind(2, limit).bind(3, offset);
  while (st.step()) out.push_back(read(st));
  return out;
}

std::optional<Stored> Outbox::get(int64_t id) {
  auto st = db_.prepare(fmt::format("SELECT {} FROM mail_outbox WHERE id = ?", kColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::map<std::string, int64_t> Outbox::counts() {
  std::map<std::string, int64_t> out{{"pending", 0}, {"sent", 0}, {"failed", 0}};
  auto st = db_.prepare("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status");
  while (st.step()) out[st.text(0)] = st.int64(1);
  return out;
}

DeliveryReport deliver_due(Outbox& box, const Config& c, const RetryPolicy& p, int max) {
  DeliveryReport r;
  for (auto& s : box.due(max)) {
    // Several deliverers (one per server on a shared database) read the same due messages: the one whose claim
    // moves the message's time on sends it, the others pass (issue #30: each message received once).
    if (!box.claim(s.id, s.next_attempt_at)) continue;
    try {
      send(c, s.m);
      box.sent(s.id);
      ++r.sent;
    } catch (const Error& e) {
      box.failed(s.id, e.what(), p);
      ++r.failed;
      r.last_error = e.what();
    }
  }
  return r;
}

}  // namespace maillage::mail
