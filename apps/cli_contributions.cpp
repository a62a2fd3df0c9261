// `maillage contributions list|show|accept|reject|merge|export-person|erase-person`: the moderation queue of the
// public contributions from the command line (the same library as the web page's), and `maillage places
// quality|confirm|remind`: the data-quality report and the managers' yearly confirmation.
#include <iostream>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
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

// Tells the contributor (through the outbox, sent by the server's deliverer) and records the decision.
void after_decision(registry::PlaceStore& store, moderation::Moderation& mod, int64_t id, const std::string& decision,
                    const std::string& fragment) {
  auto c = *mod.get(id);
  if (!c.email.empty()) {
    auto cfg = mail::Config::from_env();
    mail::Outbox(store.db())
        .enqueue(mail::render("contribution_decided", c.email,
                              {{"name", c.name},
                               {"place", mod.place_label(c)},
                               {"decision", decision},
                               {"comment", c.reason.empty() ? "" : "Commentaire de l'équipe : " + c.reason},
                               {"link", cfg.public_url + "/#" + fragment}}));
  }
  accounts::audit(store.db(), {0, "", cli_actor(), "command line", "contributions " + c.status, std::to_string(id), 0,
                               "", c.result_place_id});
  std::cout << fmt::format("contribution {}: {}{}\n", id, c.status,
                           c.result_place_id.empty() ? "" : " (" + c.result_place_id + ")");
}

std::map<std::string, std::string> sets_of(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (auto& s : sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw Error(fmt::format("--set '{}': expected FIELD=VALUE", s));
    out[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return out;
}

// A Refused decision as the command line's error (the field named).
template <class F>
void deciding(F f) {
  try {
    f();
  } catch (const moderation::Refused& e) {
    throw Error(e.field().empty() ? std::string(e.what()) : fmt::format("{}: {}", e.field(), e.what()));
  }
}

void show(moderation::Moderation& mod, int64_t id, std::string against, bool as_json) {
  auto c = mod.get(id);
  if (!c) throw NotFound(fmt::format("no contribution {}", id));
  if (against.empty()) against = c->place_id;
  if (against.empty())
    for (auto& x : c->candidates)
      if (!x.place_id.empty() && against.empty()) against = x.place_id;
  auto diff = mod.diff(*c, against);
  if (as_json) {
    auto j = moderation::to_json(*c, true);
    j["diff"] = json::array();
    for (auto& d : diff)
      j["diff"].push_back(
          {{"field", d.field}, {"current", d.current}, {"proposed", d.proposed}, {"changed", d.changed}});
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::cout << fmt::format("contribution {} ({}, {}), {}\nfrom {} <{}>\n", c->id, c->kind, c->status, c->created_at,
                           text::printable(c->name, 100), text::printable(c->email, 254));
  if (!c->comment.empty()) std::cout << "comment: " << text::printable(c->comment, 2000) << '\n';
  for (auto& x : c->candidates)
    std::cout << fmt::format("likely duplicate: {} {} ({}) — {}\n",
                             x.place_id.empty() ? fmt::format("contribution {}", x.contribution) : x.place_id,
                             text::printable(x.name, 100), x.commune, text::join(x.reasons, ", "));
  for (auto& w : c->warnings) std::cout << "warning: " << text::printable(w, 300) << '\n';
  std::cout << fmt::format("\n{:<20} {:<32} {}\n", "FIELD", against.empty() ? "CURRENT" : "CURRENT (" + against + ")",
                           "PROPOSED");
  for (auto& d : diff)
    std::cout << fmt::format("{:<20} {} {}{}\n", d.field, pad(d.current, 32), text::printable(d.proposed, 200),
                             d.changed ? "" : "  (same)");
  if (!c->reason.empty()) std::cout << "decision: " << text::printable(c->reason, 2000) << '\n';
}

struct ModerationArgs {
  std::string status, against, reason, duplicate_of, into, email;
  std::vector<std::string> sets, fields;
  int64_t id = 0;
  int limit = 50;
  bool json = false, distinct = false;
};

// The queue: list and show.
void add_moderation_queue(CLI::App* m, Globals& g, const std::shared_ptr<ModerationArgs>& a) {
  auto* l = m->add_subcommand("list", "the contributions, newest first");
  l->add_option("--status", a->status, "pending, accepted, rejected, duplicate, withdrawn (default: all)");
  l->add_option("--limit", a->limit, "at most this many (default 50)")->check(CLI::Range(1, 100000));
  l->add_flag("--json", a->json, "print JSON");
  l->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation mod(*store, validator());
    int64_t total = 0;
    auto items = mod.list(a->status, a->limit, 0, &total);
    if (a->json) {
      json out = json::array();
      for (auto& c : items) out.push_back(moderation::to_json(c, true));
      std::cout << json{{"items", out}, {"total", total}, {"counts", mod.counts()}, {"limit", a->limit}, {"offset", 0}}
                       .dump(2)
                << '\n';
      return;
    }
    std::cout << fmt::format("{:>5}  {:<10} {:<10} {:<19} {:<36} {}\n", "ID", "KIND", "STATUS", "RECEIVED", "PLACE",
                             "FLAGS");
    for (auto& c : items)
      std::cout << fmt::format("{:>5}  {:<10} {:<10} {:<19} {} {}\n", c.id, c.kind, c.status,
                               c.created_at.substr(0, 19), pad(mod.place_label(c), 36),
                               c.candidates.empty() ? "" : "likely duplicate");
    auto counts = mod.counts();
    std::cout << fmt::format("{} of {} shown; pending {}, accepted {}, rejected {}, duplicate {}, withdrawn {}\n",
                             items.size(), total, counts["pending"], counts["accepted"], counts["rejected"],
                             counts["duplicate"], counts["withdrawn"]);
  });

  auto* s = m->add_subcommand("show", "one contribution beside the current record, field by field");
  s->add_option("ID", a->id, "contribution number")->required();
  s->add_option("--against", a->against,
                "the place to compare with (default: the corrected place, else the first "
                "likely duplicate)");
  s->add_flag("--json", a->json, "print JSON");
  s->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation mod(*store, validator());
    show(mod, a->id, a->against, a->json);
  });
}

// The decisions: accept, reject, merge.
void add_decisions(CLI::App* m, Globals& g, const std::shared_ptr<ModerationArgs>& a) {
  auto* acc = m->add_subcommand("accept", "write a pending contribution to the registry (validated, one transaction)");
  acc->add_option("ID", a->id, "contribution number")->required();
  acc->add_option("--set", a->sets, "FIELD=VALUE: change a proposed value before writing (repeatable)");
  acc->add_flag("--distinct", a->distinct, "a new place with likely duplicates is another place: write it anyway");
  acc->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation mod(*store, validator());
    deciding([&] {
      auto d = mod.accept(a->id, cli_actor(), sets_of(a->sets), a->distinct);
      after_decision(*store, mod, a->id, "acceptée et publiée", "lieu/" + d.place_id);
    });
  });

  auto* rej = m->add_subcommand("reject", "refuse a pending contribution with a reason");
  rej->add_option("ID", a->id, "contribution number")->required();
  rej->add_option("--reason", a->reason, "why (sent to the contributor)");
  rej->add_option("--duplicate-of", a->duplicate_of, "the listed place it repeats (status duplicate)");
  rej->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation mod(*store, validator());
    deciding([&] {
      mod.reject(a->id, cli_actor(), a->reason, a->duplicate_of);
      after_decision(*store, mod, a->id, a->duplicate_of.empty() ? "non retenue" : "déjà présente dans l'annuaire",
                     a->duplicate_of.empty() ? "" : "lieu/" + a->duplicate_of);
    });
  });

  auto* mg = m->add_subcommand("merge", "add a contribution to a listed place (by default: the fields it lacks)");
  mg->add_option("ID", a->id, "contribution number")->required();
  mg->add_option("--into", a->into, "the place id")->required();
  mg->add_option("--field", a->fields, "take this proposed field (repeatable; default: the ones the place lacks)");
  mg->callback([&g, a] {
    auto store = open_store(g);
    moderation::Moderation mod(*store, validator());
    deciding([&] {
      mod.merge(a->id, a->into, cli_actor(), a->fields);
      after_decision(*store, mod, a->id, "ajoutée à une fiche existante", "lieu/" + a->into);
    });
  });
}

// A contributor's data: export and erasure (GDPR).
void add_person_data(CLI::App* m, Globals& g, const std::shared_ptr<ModerationArgs>& a) {
  auto* ex = m->add_subcommand("export-person", "the contributions made with an e-mail address, as JSON (GDPR access)");
  ex->add_option("EMAIL", a->email, "the contributor's address")->required();
  ex->callback([&g, a] {
    auto store = open_store(g);
    std::cout << moderation::Moderation(*store, validator())
                     .personal_data(accounts::normalise_email(a->email, "EMAIL"))
                     .dump(2)
              << '\n';
  });
  auto* er = m->add_subcommand("erase-person",
                               "erase a contributor's name, address and client address (GDPR); "
                               "their proposals stay, anonymous");
  er->add_option("EMAIL", a->email, "the contributor's address")->required();
  er->callback([&g, a] {
    auto store = open_store(g);
    auto email = accounts::normalise_email(a->email, "EMAIL");
    int n = moderation::Moderation(*store, validator()).erase_person(email);
    accounts::audit(store->db(), {0, "", cli_actor(), "command line", "contributions erase-person", "", 0, "",
                                  fmt::format("{} contributions", n)});
    std::cout << fmt::format("{} contributions anonymised\n", n);
  });
}

void add_moderation(CLI::App& app, Globals& g) {
  auto* m = app.add_subcommand("contributions",
                               "the moderation queue of the public contributions (new places, "
                               "corrections): list, show, accept, reject, merge");
  m->require_subcommand(1);

  auto a = std::make_shared<ModerationArgs>();
  add_moderation_queue(m, g, a);
  add_decisions(m, g, a);
  add_person_data(m, g, a);
}

}  // namespace

void add_contributions_commands(CLI::App& app, Globals& g) { add_moderation(app, g); }

}  // namespace maillage::cli
