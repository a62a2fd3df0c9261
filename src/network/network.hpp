#pragma once
// The network's own tools (issue #17): its contacts and targets (organisations, people, the log of interactions,
// GDPR rules), and its events with public registration (capacity, waiting list, private cancellation link,
// attendance). Plain classes over the registry's database; the caller holds the connection's lock. No HTTP, no
// mail: the API layer does both. Invitations by drive time are in invitations.hpp (they need the engine).
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/db.hpp"
#include "registry/store.hpp"

namespace maillage::network {

inline constexpr const char* kOrganisationKinds[] = {"commune",    "epci",        "departement", "region", "chambre",
                                                     "entreprise", "association", "tiers_lieu",  "etat",   "autre"};
inline constexpr const char* kLawfulBases[] = {"consent", "legitimate_interest", "contract", "public_task"};
inline constexpr const char* kInteractionKinds[] = {"met", "called", "emailed", "event", "other"};

struct Organisation {
  int64_t id = 0;
  std::string name, kind = "autre", insee_code, epci, place_id, tags, created_at, updated_at;
  std::string dep;  // derived from the commune
};

struct Contact {
  int64_t id = 0;
  std::string first_name, last_name, email, phone, role, insee_code, tags;
  int64_t organisation_id = 0;
  std::string lawful_basis = "legitimate_interest", consent_at;
  std::string created_at, updated_at, last_touched_at, erased_at;
  std::string organisation, dep;  // derived: the organisation's name, the department of the commune (own or org's)
};

struct Interaction {
  int64_t id = 0, contact_id = 0, organisation_id = 0;
  std::string kind, on_date, note, author, created_at;
};

struct ContactFilter {
  std::string text, tag, kind, department, insee_code;
  int stale_years = 0;  // > 0: not touched (no interaction, no change) for this many years
  bool with_erased = false;
  int limit = 0, offset = 0;
};

class Contacts {
 public:
  explicit Contacts(registry::PlaceStore& store) : store_(store) {}

  // Writes check every value (InputError naming the field: name, kind, insee_code, email, lawful_basis ...).
  int64_t add_organisation(Organisation o);
  void update_organisation(const Organisation& o);
  std::optional<Organisation> organisation(int64_t id);
  std::vector<Organisation> organisations(const std::string& text = {});
  int64_t add(Contact c, const std::string& by);
  void update(const Contact& c, const std::string& by);
  std::optional<Contact> get(int64_t id);
  // The contact (not erased) with this normalised e-mail.
  std::optional<int64_t> find_email(const std::string& email);
  std::vector<Contact> list(const ContactFilter& f, int64_t* total = nullptr);
  // Logs a met/called/emailed/event/other on a date (YYYY-MM-DD); touches the contact.
  int64_t log(const Interaction& i);
  std::vector<Interaction> interactions(int64_t contact_id);

  // CSV (the columns of docs/network.md) and vCard 4.0 (RFC 6350); imports are all or nothing, InputError
  // naming the line and the column; a row with the e-mail of an existing contact updates it.
  void export_csv(const std::vector<Contact>& contacts, std::ostream& out);
  int import_csv(std::string_view content, const std::string& label, const std::string& by);
  std::string export_vcard(const std::vector<Contact>& contacts);
  int import_vcard(std::string_view content, const std::string& label, const std::string& by);

  // GDPR: everything held on a person (the contact, their interactions, their event registrations, the mail to
  // them), by e-mail or contact id; and the erasure: the person's name, e-mail, phone and notes are removed from
  // every table (the rows stay, so counts do not change), then the freed space is overwritten and the journal
  // truncated, so that the file no longer holds them. Returns the rows changed.
  nlohmann::json personal_data(int64_t contact_id);
  int erase(int64_t contact_id, const std::string& by);

 private:
  registry::PlaceStore& store_;
};

inline constexpr const char* kEventKinds[] = {"information_day", "meeting", "training", "open_day", "other"};

struct Event {
  int64_t id = 0;
  std::string title, kind = "information_day";
  std::string starts_at, ends_at;  // local time (Europe/Paris), YYYY-MM-DDTHH:MM
  std::string place_id;            // a place of the registry, or:
  std::string venue, insee_code;   // an address and its commune
  std::optional<double> lon, lat;  // derived from the place or the commune when not given
  int capacity = 0;
  std::string audience, description, status = "scheduled", created_at, created_by;
  int registered = 0, waiting = 0;  // derived
};

struct Registration {
  int64_t id = 0, event_id = 0;
  std::string name, email, organisation, status;  // registered, waiting, cancelled
  std::string created_at, cancelled_at, promoted_at;
  std::optional<bool> attended;
  int position = 0;  // on the waiting list (1 = next), 0 otherwise
};

class Events {
 public:
  explicit Events(registry::PlaceStore& store) : store_(store) {}
  int64_t create(Event e, const std::string& by);
  void cancel_event(int64_t id, const std::string& by);
  std::optional<Event> get(int64_t id);
  // From a date (YYYY-MM-DD) on, by start; `to` empty: no end.
  std::vector<Event> list(const std::string& from, const std::string& to = {});

  // Registration: registered while seats remain, else on the waiting list, decided inside one write transaction
  // (never more registered than the capacity, whatever the concurrency). The key is the private cancellation
  // link's (shown once). InputError naming the field; Conflict when the address is already registered.
  struct Registered {
    Registration registration;
    std::string key;
  };
  Registered register_person(int64_t event_id, const std::string& name, const std::string& email,
                             const std::string& organisation, bool consent);
  // Cancels by the key; the first on the waiting list takes the seat (returned).
  struct Cancelled {
    Registration cancelled;
    std::optional<Registration> promoted;
  };
  Cancelled cancel(const std::string& key);
  std::optional<Registration> by_key(const std::string& key);
  std::vector<Registration> registrations(int64_t event_id);
  // After the event has started: attended or not.
  void set_attendance(int64_t registration_id, bool attended, const std::string& by);
  std::string icalendar(const std::vector<Event>& events, const std::string& public_url);
  void export_registrations(int64_t event_id, std::ostream& out);

 private:
  registry::PlaceStore& store_;
};

// A write the current state refuses (already registered, the event is over or cancelled).
// A write the state of things refuses (an erased contact, a closed event, a second registration).
struct Conflict : Error {
  explicit Conflict(const std::string& message, Errc code = Errc::conflict) : Error(code, message) {}
};

nlohmann::json to_json(const Organisation& o);
nlohmann::json to_json(const Contact& c);
nlohmann::json to_json(const Interaction& i);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const Registration& r, bool with_person);

}  // namespace maillage::network
