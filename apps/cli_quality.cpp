// `maillage places quality|confirm|remind`: the data-quality report of the directory, a sheet's yearly
// confirmation, and the reminders to the managers whose sheet was not confirmed for 12 months.
#include <iostream>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"
#include "moderation/moderation.hpp"
#include "moderation/quality.hpp"
#include "places_options.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

std::string pct(int n, int of) { return of ? fmt::format("{:.0f} %", 100.0 * n / of) : "-"; }

void print_quality(const moderation::QualityReport& r) {
  std::cout << fmt::format(
      "Data quality on {}: the share of listed places with each item; open places against the "
      "most recent published count.\n\n",
      r.date);
  std::cout << fmt::format("{:<4}{:<22}{:>7}{:>6}{:>11}{:>8}  {:>8}{:>7}{:>7}{:>9}{:>11}\n", "DEP", "", "listed",
                           "open", "published", "ratio", "opening", "staff", "seats", "address", "confirmed");
  auto line = [&](const moderation::QualityRow& q) {
    std::string pub = q.published ? fmt::format("{} ({})", q.published->value, q.published->year) : "-";
    std::string ratio = q.coverage_of_published >= 0 ? fmt::format("{:.0f} %", 100 * q.coverage_of_published) : "-";
    std::cout << fmt::format("{:<4}{}{:>7}{:>6}{:>11}{:>8}  {:>8}{:>7}{:>7}{:>9}{:>11}{}\n", q.department,
                             pad(q.name, 22), q.listed, q.open, pub, ratio, pct(q.with_opening_date, q.listed),
                             pct(q.with_staff, q.listed), pct(q.with_seats, q.listed), pct(q.at_address, q.listed),
                             pct(q.confirmed, q.listed), q.far_below ? "  << far below" : "");
  };
  for (auto& d : r.departments) line(d);
  line(r.region);
  std::cout << fmt::format("\n{} sheets to confirm (not confirmed for 12 months, {} never); {} suspected duplicates",
                           r.region.stale, r.region.never_confirmed, r.duplicates.size());
  std::cout << (r.duplicates.empty() ? ".\n" : ":\n");
  for (auto& d : r.duplicates)
    std::cout << fmt::format("  {} ~ {}: {} / {} ({})\n", d.a, d.b, text::printable(d.name_a, 60),
                             text::printable(d.name_b, 60), text::join(d.reasons, ", "));
}

}  // namespace

namespace {

struct QualityCommandsArgs {
  std::string date, id;
  bool json = false, dry = false;
  int days = 30;
};

// The data-quality report against the published counts.
void add_quality(CLI::App* places, Globals& g, const std::shared_ptr<QualityCommandsArgs>& a) {
  auto* q = places->add_subcommand("quality",
                                   "data quality per department: dates, staff, seats, address-level "
                                   "positions, recent confirmations, suspected duplicates, and the open "
                                   "count against the published counts");
  q->add_option("--date", a->date, "the date of the report (default today)");
  q->add_flag("--json", a->json, "print JSON (as GET /api/v1/quality)");
  q->callback([&g, a] {
    auto store = open_store(g);
    auto d = a->date.empty() ? date::today() : a->date;
    std::string why;
    if (!date::parse(d, why, false)) throw Error("--date: " + why);
    auto r = moderation::quality_report(store->list({}), moderation::last_confirmations(store->db()),
                                        territory::CommuneTable::bundled(), moderation::bundled_published_counts(), d);
    if (a->json)
      std::cout << moderation::to_json(r).dump(2) << '\n';
    else
      print_quality(r);
  });
}

// The yearly confirmation of a sheet, and the reminders.
void add_confirm_remind(CLI::App* places, Globals& g, const std::shared_ptr<QualityCommandsArgs>& a) {
  auto* c = places->add_subcommand("confirm", "record that a place's sheet is still right (the yearly confirmation)");
  c->add_option("ID", a->id, "place id")->required();
  c->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation(*store, validator()).confirm(a->id, cli_actor(), "command line");
    std::cout << fmt::format("{}: confirmed on {}\n", a->id, date::today());
  });

  auto* r = places->add_subcommand("remind",
                                   "mail the managers of the sheets not confirmed for 12 months (through "
                                   "the outbox; once per place and manager every --days days)");
  r->add_option("--days", a->days,
                "do not remind the same manager of the same place again within this many days "
                "(default 30)")
      ->check(CLI::Range(1, 3650));
  r->add_flag("--dry-run", a->dry, "list the reminders, queue nothing");
  r->callback([&g, a] {
    auto store = open_store(g);
    auto& db = store->db();
    auto confirmations = moderation::last_confirmations(store->db());
    auto report = moderation::quality_report(store->list({}), confirmations, territory::CommuneTable::bundled(),
                                             moderation::bundled_published_counts(), date::today());
    auto users = accounts::Accounts(db).list();
    auto cfg = mail::Config::from_env();
    auto since = date::utc_after(-int64_t{a->days} * 24 * 3600);
    int queued = 0, skipped = 0;
    db::Transaction txn(db);
    for (auto& id : report.stale_places) {
      auto place = store->get(id);
      for (auto& u : users) {
        if (u.status != "active" || !u.manages(id)) continue;
        auto link = cfg.public_url + "/#lieu/" + id;
        auto recent = db.prepare(
            "SELECT count(*) FROM mail_outbox WHERE event = 'place_to_confirm' AND recipient = ? "
            "AND created_at > ? AND body_text LIKE ?");
        recent.bind(1, u.email).bind(2, since).bind(3, "%" + link + "%");
        recent.step();
        if (recent.int64(0) > 0) {
          ++skipped;
          continue;
        }
        auto last = confirmations.count(id) ? "le " + confirmations[id].substr(0, 10) : std::string("sa création");
        std::cout << fmt::format("{} {} -> {}\n", a->dry ? "would remind" : "reminding", id, u.email);
        if (!a->dry) {
          mail::Outbox(db).enqueue(
              mail::render("place_to_confirm", u.email,
                           {{"name", u.display_name}, {"place", place->name}, {"since", last}, {"link", link}}));
          ++queued;
        }
      }
    }
    if (!a->dry)
      accounts::audit(
          db, {0, "", cli_actor(), "command line", "places remind", "", 0, "", fmt::format("{} mails", queued)});
    txn.commit();
    std::cout << fmt::format("{} sheets to confirm; {} reminders queued, {} already sent within {} days\n",
                             report.stale_places.size(), queued, skipped, a->days);
  });
}

}  // namespace

void add_quality_commands(CLI::App* places, Globals& g) {
  auto a = std::make_shared<QualityCommandsArgs>();
  add_quality(places, g, a);
  add_confirm_remind(places, g, a);
}

}  // namespace maillage::cli
