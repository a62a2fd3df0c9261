#include "ami/applications.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "territory/communes.hpp"

namespace maillage::ami {

using nlohmann::json;

json Application::to_json(bool with_events) const {
  json j{{"id", id},
         {"call", call_id},
         {"kind", kind},
         {"applicant", applicant},
         {"project", project},
         {"place_id", place_id.empty() ? json(nullptr) : json(place_id)},
         {"at", lon ? json{*lon, *lat} : json(nullptr)},
         {"insee_code", insee_code.empty() ? json(nullptr) : json(insee_code)},
         {"status", status},
         {"submitted_on", submitted_on.empty() ? json(nullptr) : json(submitted_on)},
         {"eligibility", eligibility_json.empty() ? json(nullptr) : json::parse(eligibility_json)},
         {"created_at", created_at},
         {"eligibility_confirmed", eligibility_confirmed.empty() ? json(nullptr) : json(eligibility_confirmed)}};
  if (with_events) {
    json ev = json::array();
    for (auto& e : events)
      ev.push_back({{"at", e.at},
                    {"by", e.actor},
                    {"from", e.from.empty() ? json(nullptr) : json(e.from)},
                    {"to", e.to},
                    {"reason", e.reason}});
    j["events"] = ev;
  }
  return j;
}

bool Applications::allowed(const std::string& from, const std::string& to) {
  if (to == "submitted") return from == "draft";
  if (to == "under_review") return from == "submitted";
  if (to == "accepted" || to == "rejected") return from == "under_review";
  if (to == "withdrawn") return from == "draft" || from == "submitted" || from == "under_review";
  return false;
}

void Applications::record(int64_t id, const std::string& from, const std::string& to, const std::string& actor,
                          const std::string& reason) {
  if (actor.empty()) throw Error("who makes the change must be given (--by)");
  auto st = db_.prepare(
      "INSERT INTO application_events (application_id, at, actor, from_status, to_status, reason) VALUES (?, ?, ?, ?, "
      "?, ?)");
  st.bind(1, id).bind(2, date::now_utc()).bind(3, actor).bind(4, from).bind(5, to).bind(6, reason);
  st.run();
}

int64_t Applications::create(const Application& a, const std::string& actor) {
  if (a.kind != "creation" && a.kind != "development") throw Error("kind must be creation or development");
  if (a.applicant.empty() || a.project.empty()) throw Error("an application needs an applicant and a project name");
  text::require_clean(a.applicant, "applicant", false, 500);
  text::require_clean(a.project, "project", true, 2000);
  text::require_clean(a.place_id, "place", false, 64);
  text::require_clean(a.insee_code, "commune", false, 64);
  get_call(db_, a.call_id);
  Application x = a;
  if (x.kind == "creation") {
    if (!x.lon && !x.insee_code.empty()) {
      auto* c = territory::CommuneTable::bundled().find(territory::CommuneTable::bundled().current_code(x.insee_code));
      if (!c) throw Error(fmt::format("'{}' is not a commune of the region", x.insee_code));
      x.insee_code = c->code;
      x.lon = c->centre.lon;
      x.lat = c->centre.lat;
    }
    if (!x.lon) throw Error("a creation project needs a position (lon,lat) or a commune");
    x.place_id.clear();
  } else if (x.place_id.empty()) {
    throw Error("a development project names the place (its id in the directory)");
  }
  db::Transaction t(db_);
  auto st = db_.prepare(
      "INSERT INTO applications (call_id, kind, applicant, project, place_id, lon, lat, insee_code, status, "
      "created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?) RETURNING id");
  st.bind(1, x.call_id).bind(2, x.kind).bind(3, x.applicant).bind(4, x.project).bind(5, x.place_id);
  st.bind(6, x.lon).bind(7, x.lat).bind(8, x.insee_code).bind(9, date::now_utc());
  st.step();
  int64_t id = st.int64(0);
  record(id, "", "draft", actor, "created");
  t.commit();
  return id;
}

Application Applications::get(int64_t id) {
  auto st = db_.prepare(
      "SELECT id, call_id, kind, applicant, project, place_id, lon, lat, insee_code, status, "
      "eligibility_json, submitted_on, created_at, COALESCE(eligibility_confirmed, '') FROM applications "
      "WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound(fmt::format("no application {}", id), Errc::application_not_found);
  Application a;
  a.id = st.int64(0);
  a.call_id = st.text(1), a.kind = st.text(2), a.applicant = st.text(3), a.project = st.text(4),
  a.place_id = st.text(5);
  a.lon = st.opt_real(6), a.lat = st.opt_real(7);
  a.insee_code = st.text(8), a.status = st.text(9), a.eligibility_json = st.text(10), a.submitted_on = st.text(11);
  a.created_at = st.text(12);
  a.eligibility_confirmed = st.text(13);
  auto ev = db_.prepare(
      "SELECT at, actor, from_status, to_status, reason FROM application_events WHERE application_id = ? ORDER BY seq");
  ev.bind(1, id);
  while (ev.step()) a.events.push_back({ev.text(0), ev.text(1), ev.text(2), ev.text(3), ev.text(4)});
  return a;
}

std::vector<Application> Applications::list(const std::string& call_id, const std::string& status) {
  auto st = db_.prepare(
      "SELECT id FROM applications WHERE (?1 = '' OR call_id = ?1) AND (?2 = '' OR status = ?2) ORDER BY id");
  st.bind(1, call_id, false).bind(2, status, false);
  std::vector<int64_t> ids;
  while (st.step()) ids.push_back(st.int64(0));
  std::vector<Application> out;
  for (auto id : ids) out.push_back(get(id));
  return out;
}

void Applications::submit(int64_t id, const std::string& d, const json& eligibility, const std::string& actor) {
  db::Transaction t(db_);
  auto a = get(id);
  if (!allowed(a.status, "submitted"))
    throw Conflict(fmt::format("application {} is {}: only a draft can be submitted", id, a.status));
  auto call = get_call(db_, a.call_id);
  if (!call.open_on(d))
    throw Conflict(fmt::format("the call '{}' is open from {} to {} (both included): submission on {} refused", call.id,
                               call.opens, call.closes, d));
  auto st =
      db_.prepare("UPDATE applications SET status = 'submitted', eligibility_json = ?, submitted_on = ? WHERE id = ?");
  st.bind(1, eligibility.dump()).bind(2, d).bind(3, id);
  st.run();
  record(id, a.status, "submitted", actor,
         fmt::format("submitted on {}; eligibility: {}", d, eligibility.value("verdict", "")));
  t.commit();
}

void Applications::transition(int64_t id, const std::string& to, const std::string& actor, const std::string& reason) {
  text::require_clean(reason, "reason", true);
  db::Transaction t(db_);
  auto a = get(id);
  if (!allowed(a.status, to))
    throw Conflict(fmt::format("application {} is {}: it cannot become {}", id, a.status, to));
  if ((to == "rejected" || to == "withdrawn") && reason.empty())
    throw Error(fmt::format("say why it is {} (--reason)", to));
  if (to == "accepted" && !a.eligibility_json.empty() &&
      json::parse(a.eligibility_json).value("verdict", "") == "to_verify" && a.eligibility_confirmed.empty())
    throw Conflict(
        fmt::format("application {}: its eligibility is to verify (the time is within the margin of the "
                    "threshold): confirm it first, with the route checked",
                    id));
  auto st = db_.prepare("UPDATE applications SET status = ? WHERE id = ?");
  st.bind(1, to).bind(2, id);
  st.run();
  record(id, a.status, to, actor, reason);
  t.commit();
}

void Applications::confirm_eligibility(int64_t id, const std::string& verdict, const std::string& actor,
                                       const std::string& reason) {
  text::require_clean(reason, "reason", true);
  if (verdict != "eligible" && verdict != "not_eligible")
    throw Error("the confirmed verdict is eligible or not_eligible");
  if (reason.empty()) throw Error("say what was checked (--reason): the route, the time measured");
  db::Transaction t(db_);
  auto a = get(id);
  if (a.eligibility_json.empty() || json::parse(a.eligibility_json).value("verdict", "") != "to_verify")
    throw Conflict(fmt::format("application {}: only an eligibility found 'to verify' is confirmed", id));
  if (!a.eligibility_confirmed.empty())
    throw Conflict(
        fmt::format("application {}: its eligibility was already confirmed ({})", id, a.eligibility_confirmed));
  db_.prepare("UPDATE applications SET eligibility_confirmed = ? WHERE id = ?").bind(1, verdict).bind(2, id).run();
  record(id, a.status, a.status, actor, fmt::format("eligibility confirmed: {} ({})", verdict, reason));
  t.commit();
}

void export_applications_csv(const std::vector<Application>& apps, std::ostream& out) {
  csv::Writer w(out);
  w.row({"id", "call", "kind", "applicant", "project", "place_id", "lon", "lat", "insee_code", "status", "submitted_on",
         "eligibility", "eligibility_reason", "nearest_place", "nearest_minutes", "created_at"});
  for (auto& a : apps) {
    json e = a.eligibility_json.empty() ? json::object() : json::parse(a.eligibility_json);
    std::string nearest, minutes;
    if (e.contains("nearest") && e["nearest"].is_object()) {
      nearest = e["nearest"].value("id", "");
      minutes = fmt::format("{}", e["nearest"].value("minutes", 0.0));
    }
    w.row({std::to_string(a.id), a.call_id, a.kind, a.applicant, a.project, a.place_id,
           a.lon ? fmt::format("{}", *a.lon) : "", a.lat ? fmt::format("{}", *a.lat) : "", a.insee_code, a.status,
           a.submitted_on, e.value("verdict", ""), e.value("reason", ""), nearest, minutes, a.created_at});
  }
}

}  // namespace maillage::ami
