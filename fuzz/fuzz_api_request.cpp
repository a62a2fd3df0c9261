// The API's requests: the path, the query string (decoded as the server decodes it) and the JSON body of the
// cheap routes, reads and writes, with an editor's and a member's token; the sign-in, registration, reset and
// invitation bodies; the public contributions and their moderation; the network's events, contacts (CSV or vCard
// bodies), resources and charter; and the Cookie header (the first line) of a state-changing request. Oracle: never a
// 500, and a JSON answer is valid JSON (UTF-8 included) — every bad input is a 4xx naming what is wrong.
#include <nlohmann/json.hpp>

#include "api/service.hpp"
#include "api/tokens.hpp"
#include "booking/booking.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "fuzz_common.hpp"
#include "itinerant/itinerant.hpp"
#include "db/db.hpp"
#include "territory/communes.hpp"
#include "roads/importers.hpp"
#include "server/http_server.hpp"

using namespace maillage;

namespace {
struct World {
  std::unique_ptr<api::Service> service;
  std::string editor, member, place, bus = "16292-bus", scenario;
  World() {
    auto& store = fuzz::seeded_store();
    place = store.list({}).at(0).id;
    editor = api::create_token(store.db(), "editor", "fuzz");
    booking::Bookings b(store.db());
    for (int d = 1; d <= 7; ++d) b.set_hours(place, d, {{"08:00", "20:00"}});
    booking::Resource r;
    r.place_id = place, r.kind = "desk", r.desk_kind = "dropin", r.name = "Nomades", r.units = 3;
    b.add_resource(r);
    auto m = b.add_member("Fuzz", "fuzz@example.org");
    b.add_membership(m, place, "", 0);
    member = api::create_token(store.db(), "member", "fuzz", nullptr, std::to_string(m));
    {  // an itinerant place with the Charente bus's timetable
      registry::Place p;
      p.id = bus, p.name = "Bus", p.insee_code = "16292", p.types = registry::type_bit("itinerant");
      p.lon = 0.196, p.lat = 46.03;
      db::Transaction tx(store.db());
      auto rev = store.next_revision();
      store.insert(p, rev, "fuzz");
      auto t =
          itinerant::read_mednum_stops(io::read_file(paths::data_file("itinerant/bus-france-services-charente.json")),
                                       "bus.json", territory::CommuneTable::bundled());
      t.timetable.place_id = bus;
      itinerant::put(store, t.timetable, rev, "fuzz");
      tx.commit();
    }
    auto profile_path = paths::data_file("profiles/car.json");
    auto profile = roads::Profile::load(profile_path);
    auto graph = roads::build_from_skeleton({paths::data_file("roads/tm_fra_naq_waypoints.csv.gz")}, profile,
                                            io::read_file(profile_path));
    service = std::make_unique<api::Service>(fuzz::scratch() + "/seeded.db", std::move(graph), profile, "fuzz");
    api::Request start;  // one live what-if scenario for the change template
    start.method = "POST", start.path = "/scenarios", start.body = "{}", start.authorization = "Bearer " + editor;
    auto made = service->handle(start);
    scenario = std::to_string(nlohmann::json::parse(made.body).value("id", 0));
  }
};

struct Template {
  const char* method;
  const char* path;  // "" = the fuzzed path
  bool editor, member;
  bool cookie = false;  // the first line is the Cookie header (and the X-CSRF-Token after a tab)
};
const Template kTemplates[] = {
    {"GET", "", false, false},
    {"GET", "/places", false, false},
    {"GET", "/places/{place}", true, false},
    {"POST", "/places", true, false},
    {"PATCH", "/places/{place}", true, false},
    {"POST", "/places/{place}/close", true, false},
    {"GET", "/eligibility/creation", false, false},
    {"GET", "/eligibility/development", false, false},
    {"GET", "/booking/search", false, false},
    {"POST", "/bookings", false, true},
    {"GET", "/bookings", false, true},
    {"POST", "/applications", true, false},
    {"POST", "/applications/1/submit", true, false},
    {"GET", "/places.csv", false, false},
    {"GET", "/territory/roads.geojson", false, false},
    {"POST", "", true, false},
    {"POST", "/auth/session", false, false},
    {"POST", "/auth/register", false, false},
    {"POST", "/auth/reset", false, false},
    {"POST", "/auth/invitation", false, false},
    {"POST", "/auth/reset/confirm", false, false},
    {"GET", "/auth/session", false, false, true},
    {"POST", "/auth/sessions/revoke-all", false, false, true},
    {"PATCH", "/places/{place}", false, false, true},
    {"POST", "/contributions", false, false},
    {"POST", "/contributions/1/accept", true, false},
    {"POST", "/contributions/1/merge", true, false},
    {"GET", "/contributions/1", true, false},
    {"POST", "/contributions/follow", false, false},
    {"GET", "/quality", false, false},
    {"POST", "/events/1/registrations", false, false},
    {"POST", "/events", true, false},
    {"POST", "/contacts", true, false},
    {"GET", "/resources", false, false},
    {"POST", "/places/{place}/charter", true, false},
    {"POST", "/registrations/cancel", false, false},
    {"POST", "/contacts/import", true, false},
    {"PUT", "/places/{bus}/timetable", true, false},
    {"GET", "/places/{bus}/timetable", false, false},
    {"GET", "/itinerant", false, false},
    {"POST", "/scenarios/{scenario}/changes", true, false},
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;
  auto& t = kTemplates[data[0] % std::size(kTemplates)];
  auto rest = fuzz::as_text(data + 1, size - 1);
  auto nl = rest.find('\n');
  auto first = rest.substr(0, nl);
  auto body = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  api::Request r;
  r.method = t.method;
  std::string path = t.path;
  std::string_view query = first;
  if (t.cookie) {
    auto tab = first.find('\t');
    r.cookie = std::string(first.substr(0, tab));
    if (tab != std::string_view::npos) r.csrf = std::string(first.substr(tab + 1));
    query = {};
  }
  if (path.empty()) {  // the first line is a target: path and query
    auto q = first.find('?');
    path = server::percent_decode(first.substr(0, q), false);
    query = q == std::string_view::npos ? std::string_view() : first.substr(q + 1);
  }
  if (auto at = path.find("{place}"); at != std::string::npos) path.replace(at, 7, world.place);
  if (auto at = path.find("{bus}"); at != std::string::npos) path.replace(at, 5, world.bus);
  if (auto at = path.find("{scenario}"); at != std::string::npos) path.replace(at, 10, world.scenario);
  r.path = path;
  r.query = server::parse_query(query);
  r.body = std::string(body);
  if (t.editor) r.authorization = "Bearer " + world.editor;
  if (t.member) r.authorization = "bearer " + world.member;
  auto res = world.service->handle(r);
  if (res.status >= 500) __builtin_trap();
  if (res.content_type == "application/json") {
    auto parsed = nlohmann::json::parse(res.body, nullptr, false);
    if (parsed.is_discarded()) __builtin_trap();
  }
  return 0;
}
