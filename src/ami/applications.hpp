#pragma once
// Applications to a call: draft -> submitted -> under_review -> accepted | rejected, or withdrawn from any
// open state. Every transition records who, when and why in application_events, which the database keeps
// append-only; the eligibility computed at submission is stored with the application and never rewritten
// (a trigger refuses it). Submission is refused outside the call's window, with the dates in the message.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ami/ami.hpp"

namespace maillage::ami {

struct Application {
  int64_t id = 0;
  std::string call_id, kind, applicant, project, place_id, insee_code, status, eligibility_json, submitted_on,
      created_at;
  std::string eligibility_confirmed;  // eligible / not_eligible: the officer's word on a "to verify" verdict
  std::optional<double> lon, lat;
  nlohmann::json to_json(bool with_events = false) const;
  struct Event {
    std::string at, actor, from, to, reason;
  };
  std::vector<Event> events;
};

class Applications {
 public:
  explicit Applications(db::Database& db) : db_(db) {}
  // A draft. Creation: a point (lon/lat, or the centre of insee_code); development: a place id.
  int64_t create(const Application& a, const std::string& actor);
  Application get(int64_t id);  // NotFound
  std::vector<Application> list(const std::string& call_id = "", const std::string& status = "");
  // Submits on `date` with the eligibility computed by the caller (stored, frozen).
  void submit(int64_t id, const std::string& date, const nlohmann::json& eligibility, const std::string& actor);
  // review, accept, reject, withdraw
  void transition(int64_t id, const std::string& to, const std::string& actor, const std::string& reason);
  static bool allowed(const std::string& from, const std::string& to);
  // A creation eligibility stored as "to_verify" (the time within the margin of the threshold) is confirmed once
  // by the instructing officer, eligible or not_eligible, with the reason (the route checked); until then the
  // application cannot be accepted.
  void confirm_eligibility(int64_t id, const std::string& verdict, const std::string& actor, const std::string& reason);

 private:
  void record(int64_t id, const std::string& from, const std::string& to, const std::string& actor,
              const std::string& reason);
  db::Database& db_;
};

// Conflicts (wrong state, closed window): the HTTP layer maps them to 409.
// A step the application's state refuses (submitting twice, accepting a draft).
class Conflict : public Error {
 public:
  explicit Conflict(const std::string& message, Errc code = Errc::wrong_state) : Error(code, message) {}
};

void export_applications_csv(const std::vector<Application>& apps, std::ostream& out);

}  // namespace maillage::ami
