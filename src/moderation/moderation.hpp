#pragma once
// The directory kept complete by the people who know the places (issue #16; GoGoCarto's moderation is the
// reference of the field): anyone proposes a new place or a correction; each proposal waits in a moderation
// queue and changes nothing public until a moderator accepts it, through the registry's validated, transactional
// import (so the history names the contribution and the moderator); likely duplicates are flagged with their
// candidates; the contributor follows the status through a private link. Managers confirm their sheet once a
// year; a sheet not confirmed for 12 months is flagged. Plain functions over the registry's database; the caller
// holds the connection's lock. No HTTP, no mail: the API layer does both.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/io_formats.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"

namespace maillage::moderation {

inline constexpr const char* kStatuses[] = {"pending", "accepted", "rejected", "duplicate", "withdrawn"};
// A proposal's size: fields, comment and names together (the API refuses larger bodies before parsing).
inline constexpr size_t kMaxProposalBytes = 16 * 1024;
inline constexpr size_t kMaxCommentBytes = 2000;

struct Proposal {
  std::string kind = "new";                   // new, correction
  std::string place_id;                       // correction: the place
  std::map<std::string, std::string> fields;  // Maillage field name -> text, as in the Maillage CSV
  std::string comment, name, email;
  bool consent = false;
};

// A stored place (or a pending proposal) that the proposal may duplicate.
struct Candidate {
  std::string place_id, name, commune;
  int64_t contribution = 0;          // another pending proposal (place_id empty)
  std::vector<std::string> reasons;  // "même SIRET", "nom proche (0.86)", "même commune", "à 40 m"
  double similarity = 0;
  double distance_m = -1;
};

struct Contribution {
  int64_t id = 0;
  std::string kind, place_id, status;
  std::map<std::string, std::string> fields;
  std::string comment, name, email;
  std::string created_at, decided_at, decided_by, reason, result_place_id;
  std::vector<Candidate> candidates;
  std::vector<std::string> warnings;  // the validator's warnings at submission
};

// One field of a proposal beside the current record.
struct FieldDiff {
  std::string field, current, proposed;
  bool changed = false;
};

// A refusal of a proposal or a decision, in French, naming the field ("" when the proposal as a whole).
// A proposal or a decision refused, naming the field: a decision that no longer applies (field status: already
// decided; distinct: a likely duplicate) is not_pending / likely_duplicate, a value field_invalid.
struct Refused : Error {
  Refused(const std::string& f, const std::string& message)
      : Error(f == "status"     ? Errc::not_pending
              : f == "distinct" ? Errc::likely_duplicate
                                : Errc::field_invalid,
              message, f) {}
};

// Name similarity of two place names in [0, 1]: the Dice coefficient of the character bigrams of their folded
// forms (words such as "le", "tiers-lieu", "coworking" dropped); 1 when one folded name holds the other.
double name_similarity(std::string_view a, std::string_view b);
// Likely duplicates of `p` among `places`: the same SIRET, or a similar name (>= 0.7) in the same commune or
// within 200 m. At most 10, the most similar first. `except` is the place a correction is about.
std::vector<Candidate> likely_duplicates(const registry::Place& p, const std::vector<registry::Place>& places,
                                         const territory::CommuneTable& communes, const std::string& except = {});
// The same rule for one pair: the candidate `q` is for `p`, or nullopt.
std::optional<Candidate> likely_duplicate(const registry::Place& p, const registry::Place& q,
                                          const territory::CommuneTable& communes);

struct Submitted {
  int64_t id = 0;
  std::string key;  // the contributor's private follow-up key (shown once)
  std::vector<Candidate> candidates;
  std::vector<std::string> warnings;
};

struct Decision {
  registry::ImportReport report;  // what the registry wrote
  std::string place_id;
};

class Moderation {
 public:
  Moderation(registry::PlaceStore& store, const registry::Validator& validator)
      : store_(store), validator_(validator) {}

  // Checks and stores a proposal (status pending); Refused naming the field when a value does not parse, the
  // place does not exist, consent is missing, or the commune cannot be told. Nothing public changes.
  Submitted submit(const Proposal& p, const std::string& address);
  std::optional<Contribution> get(int64_t id);
  // By the contributor's key; nullopt when none.
  std::optional<Contribution> by_key(const std::string& key);
  // Newest first; status "" for all.
  std::vector<Contribution> list(const std::string& status, int limit, int offset, int64_t* total = nullptr);
  std::map<std::string, int64_t> counts();
  // What a contribution is about, for people: the proposed name, else the place's name.
  std::string place_label(const Contribution& c);
  // The proposal beside the current record (a correction's place, or a merge's target), field by field.
  std::vector<FieldDiff> diff(const Contribution& c, const std::string& place_id = {});

  // Accepts a pending proposal, optionally with the moderator's changes (field -> text): the registry write goes
  // through the validated import; the history's origin names the contribution and the moderator. Refused (and
  // nothing written) when the registry refuses it, the proposal is no longer pending, or a new place has likely
  // duplicates among the stored places and the moderator did not state that it is another place (`distinct`).
  Decision accept(int64_t id, const std::string& moderator, const std::map<std::string, std::string>& changes = {},
                  bool distinct = false);
  // Rejects (status rejected, or duplicate when `duplicate_of` names the place it repeats) with a reason.
  void reject(int64_t id, const std::string& moderator, const std::string& reason,
              const std::string& duplicate_of = {});
  // Merges into an existing place: the chosen fields (default: those the place lacks) are written to it; the
  // proposal becomes a duplicate of that place.
  Decision merge(int64_t id, const std::string& place_id, const std::string& moderator,
                 const std::vector<std::string>& fields = {});
  // The contributor withdraws a pending proposal with their key.
  Contribution withdraw(const std::string& key);

  // GDPR: the contributions of an address (access), and their erasure (the proposals stay, without name,
  // e-mail and client address). Returns how many were erased.
  nlohmann::json personal_data(const std::string& email);
  int erase_person(const std::string& email);

  // A manager's (or an editor's) yearly "my data is still right".
  void confirm(const std::string& place_id, const std::string& actor, const std::string& label);

 private:
  registry::Record record_of(const std::map<std::string, std::string>& fields, const std::string& label,
                             std::vector<registry::Problem>& problems);
  Contribution read(db::Statement& st);
  void decide(int64_t id, const std::string& status, const std::string& moderator, const std::string& reason,
              const std::string& place_id);
  Decision write(const Contribution& c, registry::Record rec, registry::ImportOptions::Mode mode,
                 const std::string& origin);

  registry::PlaceStore& store_;
  const registry::Validator& validator_;
};

// The last confirmation of every place that has one (place -> UTC time), and of one place ("" when never).
std::map<std::string, std::string> last_confirmations(db::Database& db);
std::string last_confirmation(db::Database& db, const std::string& place_id);

nlohmann::json to_json(const Candidate& c);
// A contribution as JSON: with `full`, the contributor's name and e-mail (moderators only).
nlohmann::json to_json(const Contribution& c, bool full);

}  // namespace maillage::moderation
