// Mail: the French templates, the outbox's back-off, and sending through a real SMTP server (aiosmtpd) whose
// messages Python's email library reads back.
#include <gtest/gtest.h>

#include <thread>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "helpers.hpp"
#include "mail/mail.hpp"
#include "mail/smtp_sink.hpp"
#include "db/db.hpp"
#include "registry/store.hpp"
#include "api/server_process.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
const std::map<std::string, std::string> kValues = {{"name", "Anne Lévêque"},
                                                    {"inviter", "Alice"},
                                                    {"roles", "membre"},
                                                    {"link", "http://maillage.test/#cle/x/KEY"},
                                                    {"expires", "2026-12-07"},
                                                    {"place", "La Fabrique"},
                                                    {"decision", "acceptée"},
                                                    {"comment", "Merci !"},
                                                    {"since", "2025-01-01"},
                                                    {"resource", "Bureaux nomades"},
                                                    {"booking", "12"},
                                                    {"when", "le 2026-12-03"},
                                                    {"amount", " Montant : 15,00 €."},
                                                    {"by", "à votre demande"},
                                                    {"event", "Journée d'information"},
                                                    {"where", "Pau"},
                                                    {"position", "2"},
                                                    {"number", "7"}};
}

TEST(MailTemplates, EveryEventHasAFrenchTextAndItsHtmlAlternative) {
  auto events = mail::events();
  for (auto e : {"invitation", "reset", "verification", "contribution_received", "contribution_acknowledged",
                 "contribution_decided", "place_to_confirm", "booking_confirmed", "booking_cancelled",
                 "event_registration", "event_waitlist", "event_promoted", "event_reminder"})
    EXPECT_NE(std::find(events.begin(), events.end(), e), events.end()) << e;
  for (auto& e : events) {
    auto m = mail::render(e, "anne@maillage.test", kValues);
    EXPECT_FALSE(m.subject.empty()) << e;
    EXPECT_EQ(m.text.rfind("Bonjour Anne Lévêque,", 0), 0u) << e;
    EXPECT_NE(m.html.find("<p>Bonjour Anne Lévêque,</p>"), std::string::npos) << e;
    EXPECT_EQ(m.text.find('{'), std::string::npos) << e << ": a name was left unfilled";
  }
  EXPECT_THROW(mail::render("reset", "a@b.fr", {}), Error);  // a missing value is an error, not a blank
  EXPECT_THROW(mail::render("nope", "a@b.fr", kValues), Error);
}

TEST(MailTemplates, HostileValuesStayTextAndTheSubjectOneLine) {
  auto v = kValues;
  v["name"] = "<script>alert(1)</script>";
  v["place"] = "X\r\nBcc: everyone@example.org";
  v["link"] = "http://maillage.test/#cle/reinitialisation/abc\"><img src=x>";
  auto m = mail::render("contribution_received", "a@b.fr", v);
  EXPECT_EQ(m.html.find("<script>"), std::string::npos);
  EXPECT_NE(m.html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(m.html.find("<img"), std::string::npos);
  EXPECT_EQ(m.subject.find_first_of("\r\n"), std::string::npos);
}

TEST(MailOutbox, BackOffDoublesThenTheMessageFails) {
  test::TempDir dir;
  registry::PlaceStore store(dir.database("m.db"), &territory::CommuneTable::bundled());
  mail::Outbox box(store.db());
  auto id = box.enqueue(mail::render("reset", "a@maillage.test", kValues));
  EXPECT_EQ(box.due(10).size(), 1u);
  mail::RetryPolicy p{60, 600, 4};
  std::vector<std::string> next;
  for (int i = 0; i < 4; ++i) {
    box.failed(id, "connection refused", p);
    next.push_back(box.get(id)->next_attempt_at);
  }
  // 60, 120, 240, then 600 (the cap): each later than the one before, none due now.
  EXPECT_LT(next[0], next[1]);
  EXPECT_LT(next[1], next[2]);
  EXPECT_LT(next[2], next[3]);
  EXPECT_LE(next[3], date::utc_after(601));
  EXPECT_TRUE(box.due(10).empty());
  EXPECT_EQ(box.get(id)->status, "failed");
  EXPECT_EQ(box.get(id)->attempts, 4);
  EXPECT_EQ(box.counts()["failed"], 1);
  box.retry(id);
  EXPECT_EQ(box.due(10).size(), 1u);
}

// Mail through the test server, without TLS.
static mail::Config to_sink(const test::SmtpSink& sink) {
  mail::Config c;
  c.smtp_url = sink.url();
  c.tls = "none";
  c.from = "Réseau des tiers-lieux <reseau@maillage.test>";
  return c;
}

TEST(MailSmtp, ARealServerReceivesTextAndHtmlThatPythonReadsBack) {
  test::SmtpSink sink(test::free_port());
  auto c = to_sink(sink);
  auto v = kValues;
  v["resource"] = "Salle « Garonne » — étage, très longue description pour couper le sujet en plusieurs mots encodés";
  auto m = mail::render("booking_confirmed", "anne@maillage.test", v);
  mail::send(c, m);
  auto got = sink.wait_for("anne@maillage.test", "booking_confirmed");
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got["subject"], m.subject);
  auto text = got["text"].get<std::string>();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  EXPECT_EQ(text, m.text);
  EXPECT_NE(got["html"].get<std::string>().find("<a href=\"http://maillage.test/#cle/x/KEY\">"), std::string::npos);
  EXPECT_EQ(got["from"], "reseau@maillage.test");
  // The server gone: the outbox keeps the message with the error, and sends it when the server is back.
  test::TempDir dir;
  registry::PlaceStore store(dir.database("m.db"), &territory::CommuneTable::bundled());
  mail::Outbox box(store.db());
  box.enqueue(mail::render("reset", "paul@maillage.test", kValues));
  sink.stop();
  auto r = mail::deliver_due(box, c, {0, 0, 10});
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(box.list("pending", 10, 0).at(0).attempts, 1);
  EXPECT_FALSE(box.list("pending", 10, 0).at(0).last_error.empty());
  sink.start();
  r = mail::deliver_due(box, c, {0, 0, 10});
  EXPECT_EQ(r.sent, 1);
  EXPECT_FALSE(sink.wait_for("paul@maillage.test", "reset").is_null());
}

TEST(MailConfig, ReadFromTheEnvironmentAndChecked) {
  setenv("MAILLAGE_SMTP_URL", "http://mail.example.org", 1);
  EXPECT_THROW(mail::Config::from_env(), Error);
  setenv("MAILLAGE_SMTP_URL", "smtps://mail.example.org:465", 1);
  setenv("MAILLAGE_PUBLIC_URL", "https://maillage.example.org/", 1);
  auto c = mail::Config::from_env();
  EXPECT_EQ(c.public_url, "https://maillage.example.org");
  EXPECT_NE(c.describe().find("smtps://mail.example.org:465"), std::string::npos);
  setenv("MAILLAGE_MAIL_FROM", "Evil\r\nBcc: x <a@b.fr>", 1);
  EXPECT_THROW(mail::Config::from_env(), Error);
  unsetenv("MAILLAGE_MAIL_FROM");
  unsetenv("MAILLAGE_SMTP_URL");
  unsetenv("MAILLAGE_PUBLIC_URL");
}

// Two deliverers on one database (a deliverer per server, issue #30), 100 messages: each received exactly once.
TEST(MailOutbox, TwoDeliverersSendEachMessageOnce) {
  test::SmtpSink sink(test::free_port());
  auto c = to_sink(sink);
  test::TempDir dir;
  auto name = dir.database("m.db");
  {
    registry::PlaceStore store(name, &territory::CommuneTable::bundled());
    mail::Outbox box(store.db());
    db::Transaction tx(store.db());
    for (int i = 0; i < 100; ++i) box.enqueue(mail::render("reset", fmt::format("p{}@maillage.test", i), kValues));
    tx.commit();
  }
  int sent[2] = {0, 0};
  std::vector<std::thread> deliverers;
  for (int k = 0; k < 2; ++k)
    deliverers.emplace_back([&, k] {
      db::Database d(name);
      mail::Outbox box(d);
      for (int round = 0; round < 20; ++round) sent[k] += mail::deliver_due(box, c, {60, 600, 4}, 10).sent;
    });
  for (auto& t : deliverers) t.join();
  EXPECT_EQ(sent[0] + sent[1], 100);
  for (int i = 0; i < 100; ++i) {
    auto to = fmt::format("p{}@maillage.test", i);
    ASSERT_FALSE(sink.wait_for(to, "reset").is_null()) << to;
    EXPECT_EQ(sink.count(to), 1u) << to;
  }
  EXPECT_EQ(sink.messages().size(), 100u);
}
