// The route table: the single list of the API's routes (method, path pattern, access, summary, handler). The
// OpenAPI document (data/api/openapi.json) must list exactly these; a test compares them both ways.
#include "api/handlers.hpp"

namespace maillage::api {

const std::vector<Route>& Service::routes() {
  using A = Access;
  namespace t = territory_api;
  namespace p = places_api;
  namespace c = coverage_api;
  namespace e = eligibility_api;
  namespace b = booking_api;
  namespace pl = planning_api;
  namespace it = itinerant_api;
  namespace sc = scenarios_api;
  namespace au = auth_api;
  namespace ad = admin_api;
  namespace co = contributions_api;
  namespace pu = publications_api;
  namespace ch = charter_api;
  namespace ct = contacts_api;
  namespace ev = events_api;
  namespace rs = resources_api;
  constexpr auto H = Cost::Heavy;  // the routes that hash a password (about 0.1 s and 64 MiB each)
  static const std::vector<Route> r = {
      {"GET", "/health", A::Public, "liveness, data versions", t::health},
      {"GET", "/openapi.json", A::Public, "this API's OpenAPI 3 document", t::openapi},
      {"GET", "/territory", A::Public, "the territory served: name, region, departments, population grid (territory.json)",
       t::territory_info},
      {"GET", "/territory/departments.geojson", A::Public,
       "outlines of the region's departments (IGN 2018, see data/ATTRIBUTION.md)", t::departments},
      {"GET", "/territory/communes.geojson", A::Public,
       "outlines of the region's communes (IGN 2018; 8 MB, load on demand)", t::communes_geojson},
      {"GET", "/territory/communes", A::Public,
       "communes of the region: INSEE code, name, department, centre, legal population (search, map labels)",
       t::communes},
      {"GET", "/territory/roads.geojson", A::Public,
       "the bundled road skeleton for the base map (level=main: A, N and E roads; level=local: D roads)", t::roads},
      {"GET", "/territory/water.geojson", A::Public, "the sea along the region's coast, islands as holes (base map)",
       t::water},

      {"GET", "/places", A::Public, "list places (filters, listed=true for the places listed on the regional map, pagination)", p::list},
      {"GET", "/places.geojson", A::Public, "places as GeoJSON (same filters)", p::geojson, Cost::Heavy},
      {"GET", "/places.csv", A::Public, "places as CSV of the regional data dictionary (same filters)", p::csv, Cost::Heavy},
      {"GET", "/places.mednum.csv", A::Public,
       "places in the national 'lieux de médiation numérique' schema: only rows it accepts (X-Maillage-Skipped)",
       p::mednum, Cost::Heavy},
      {"GET", "/places/{id}", A::Public, "one place, with its history", p::get},
      {"POST", "/places", A::Editor, "create a place", p::create},
      {"PATCH", "/places/{id}", A::Signed,
       "change fields of a place (editors, admins; a place's managers: their sheet, not its status)", p::update},
      {"POST", "/places/{id}/close", A::Editor, "record that a place closed (body: date, reason)", p::close},
      {"GET", "/charter", A::Public, "the network's charter: its versions and the one in force at a date", ch::get},
      {"POST", "/charter", A::Editor, "adopt a new version of the charter (version, adopted_on, text)", ch::adopt},
      {"POST", "/places/{id}/charter", A::Signed,
       "record the place's signature of the charter (signatory, version, signed_on; its managers, editors, admins)",
       ch::sign},
      {"POST", "/places/{id}/confirm", A::Signed,
       "the yearly 'this sheet is still right' (its managers, editors, admins)", co::confirm},

      {"POST", "/contributions", A::Public,
       "propose a new place or a correction (anyone; moderated; rate-limited per address): returns the private "
       "follow-up key",
       co::submit},
      {"POST", "/contributions/follow", A::Public, "a contribution's status, by its follow-up key", co::follow},
      {"POST", "/contributions/withdraw", A::Public, "withdraw a pending contribution, by its follow-up key",
       co::withdraw},
      {"GET", "/contributions", A::Editor, "the moderation queue (status, limit, offset)", co::list},
      {"GET", "/contributions/{id}", A::Editor,
       "one contribution beside the current record, field by field (against: a place id)", co::get},
      {"POST", "/contributions/{id}/{action}", A::Editor,
       "accept (changes, distinct), reject (reason, duplicate_of) or merge (place_id, fields)", co::action},
      {"GET", "/quality", A::Public,
       "data quality per department: completeness, confirmations, duplicates, open count against the published one",
       co::quality, Cost::Heavy},
      {"GET", "/contacts", A::Editor, "the network's contacts (q, tag, kind, department, commune, stale_years, limit, offset)",
       ct::list},
      {"POST", "/contacts", A::Editor, "add a contact (names, e-mail, phone, organisation_id, role, commune, tags, lawful_basis, consent_at)",
       ct::create},
      {"GET", "/contacts.csv", A::Editor, "the contacts as CSV (same filters)", ct::export_csv},
      {"GET", "/contacts.vcf", A::Editor, "the contacts as vCard 4.0 (same filters)", ct::export_vcard},
      {"POST", "/contacts/import", A::Editor, "import contacts: the body is CSV or vCard (format=csv|vcard); all or nothing",
       ct::import},
      {"GET", "/contacts/{id}", A::Editor, "one contact with its interactions", ct::get},
      {"PATCH", "/contacts/{id}", A::Editor, "change a contact", ct::update},
      {"POST", "/contacts/{id}/interactions", A::Editor, "log an interaction (kind: met, called, emailed, event, other; on_date; note)",
       ct::log},
      {"GET", "/contacts/{id}/personal-data", A::Editor, "everything held on the person (GDPR access), as JSON",
       ct::personal_data},
      {"POST", "/contacts/{id}/erase", A::Editor,
       "erase the person (GDPR): their personal data leave every table, the counts stay", ct::erase},
      {"GET", "/organisations", A::Editor, "the organisations of the contacts (q)", ct::organisations},
      {"POST", "/organisations", A::Editor, "add an organisation (name, kind, insee_code, epci, place_id, tags)",
       ct::organisation_create},

      {"GET", "/events", A::Public, "the network's events from a date (from, to)", ev::list},
      {"GET", "/events.ics", A::Public, "the events as an iCalendar feed", ev::calendar},
      {"GET", "/events/gaps", A::Editor,
       "the communes without any event within N minutes by car in a year (year, minutes)", ev::gaps, Cost::Heavy},
      {"GET", "/events/{id}", A::Public, "one event with its seats left", ev::get},
      {"POST", "/events", A::Editor,
       "create an event (title, kind, starts_at, ends_at, place_id or insee_code, venue, capacity, audience, description)",
       ev::create},
      {"POST", "/events/{id}/registrations", A::Public,
       "register (name, email, organisation, consent): registered, or on the waiting list past the capacity; returns "
       "the private cancellation key",
       ev::register_person},
      {"GET", "/events/{id}/registrations", A::Editor, "the registrations (format=csv for a CSV)", ev::registrations},
      {"POST", "/registrations/lookup", A::Public, "a registration, by its private key", ev::registration},
      {"POST", "/registrations/cancel", A::Public,
       "cancel a registration by its private key; the first on the waiting list takes the seat", ev::cancel},
      {"POST", "/registrations/{id}/attendance", A::Editor, "record attendance after the event (attended)",
       ev::attendance},
      {"GET", "/events/{id}/invitations", A::Editor,
       "the contacts whose commune lies within N minutes by car of the venue (minutes)", ev::invitations, Cost::Heavy},

      {"GET", "/resources", A::Public,
       "the library of resources, searched in French (q, theme); members-only ones for anyone signed in", rs::search},
      {"POST", "/resources", A::Editor, "add a resource (title, summary, themes, audience: public|members, url)",
       rs::create},
      {"GET", "/resources/{id}", A::Public, "one resource with its versions", rs::get},
      {"GET", "/resources/{id}/file", A::Public, "download a resource's file (version; the latest by default)", rs::file},
      {"POST", "/resources/{id}/versions", A::Editor,
       "upload a new version: the body is the file (filename=; PDF, OpenDocument, Office, text, CSV, PNG, JPEG)",
       rs::upload},
      {"GET", "/members", A::Editor, "the network's members for a year (year)", rs::members},
      {"POST", "/members", A::Editor, "record a membership (place_id or contact_id, year, fee_paid, amount_eur)",
       rs::member_record},
      {"GET", "/members/census", A::Public, "the census of the members by department and type (year)", rs::census},

      {"GET", "/publications/bottin.pdf", A::Public,
       "the printed directory (PDF): a chapter per department, the open places at the date, the index of the communes",
       pu::bottin, Cost::Heavy},
      {"GET", "/publications/panorama.pdf", A::Public,
       "the panorama in figures and charts (PDF): indicators, coverage map, departments, history (date, threshold)",
       pu::panorama, Cost::Heavy},

      {"GET", "/coverage", A::Public, "coverage summary (date, threshold, communes=true for the per-commune table)",
       c::summary, Cost::Heavy},
      {"GET", "/coverage/cells.geojson", A::Public, "population cells with their drive time", c::cells, Cost::Heavy},
      {"GET", "/coverage/zones.geojson", A::Public, "zones blanches as outlines", c::zones, Cost::Heavy},
      {"GET", "/indicators", A::Public, "indicators and their history", c::indicators, Cost::Heavy},
      {"GET", "/isochrones.geojson", A::Public,
       "service areas of the open places (breaks=10,20,30, place, date): FacilityID, Name, FromBreak, ToBreak",
       c::isochrones, Cost::Heavy},

      {"GET", "/calls", A::Public, "funding calls", e::calls},
      {"GET", "/eligibility/creation", A::Public, "creation eligibility at a point or commune, explained", e::creation},
      {"GET", "/eligibility/development", A::Public, "development eligibility of a listed place", e::development},
      {"GET", "/applications", A::Editor, "applications (call, status)", e::applications},
      {"POST", "/applications", A::Editor, "create a draft application", e::application_create},
      {"GET", "/applications/{id}", A::Editor, "one application with its events", e::application_get},
      {"POST", "/applications/{id}/{action}", A::Editor, "submit, review, accept, reject (admin), withdraw, or confirm an eligibility found to_verify (verdict, reason)",
       e::application_action},

      {"GET", "/places/{id}/resources", A::Public,
       "bookable desks, rooms and machines of a place, with prices and opening hours", b::resources},
      {"GET", "/booking/search", A::Public, "free desks of a kind at a time within N minutes' drive, nearest first",
       b::search},
      {"GET", "/booking/occupancy", A::Public, "anonymised regional occupancy for a month (totals by department)",
       b::occupancy},
      {"GET", "/bookings", A::Signed, "bookings: a member's own, a manager's place's, or (admin) any", b::list},
      {"POST", "/bookings", A::Signed, "book (a member for themself; a manager for a member, on their behalf)",
       b::create},
      {"GET", "/bookings/{id}", A::Signed, "one booking (its member, its place's manager, admins)", b::get},
      {"POST", "/bookings/{id}/{action}", A::Signed,
       "cancel (member: until the resource's limit), confirm or no_show (manager)", b::action},
      {"GET", "/bookings.ics", A::Signed, "iCalendar of the member's own bookings", b::member_calendar},
      {"GET", "/resources/{id}/calendar.ics", A::Signed, "iCalendar of a resource's bookings (its place's manager, admins)",
       b::resource_calendar},

      {"GET", "/plan/best", A::Public, "best k new sites (k, exact, time_limit, format=json|geojson)", pl::best, Cost::Heavy},
      {"GET", "/plan/cover", A::Public, "fewest new sites covering every coverable inhabitant", pl::cover, Cost::Heavy},
      {"GET", "/plan/criticality", A::Public, "what each open place is worth to coverage", pl::criticality, Cost::Heavy},
      {"GET", "/plan/tour", A::Public,
       "tours of an itinerant tiers-lieu from a base (base, days, weeks, day_hours, stop_hours, start, threshold, exact, "
       "time_limit, max_candidates, format=json|geojson): the stops and days that bring the most people not covered "
       "permanently within the threshold",
       it::tour, Cost::Heavy},

      {"POST", "/scenarios", A::Editor,
       "start a what-if scenario on the registry at a date (date): the open places, their coverage", sc::create,
       Cost::Heavy},
      {"GET", "/scenarios/saved", A::Editor, "the saved scenarios (name, key, date, changes)", sc::saved},
      {"GET", "/scenarios/shared/{key}", A::Editor, "a saved scenario, replayed into a new live one", sc::open_saved,
       Cost::Heavy},
      {"GET", "/scenarios/{id}", A::Editor, "a live scenario: its figures, changes and sites", sc::get},
      {"POST", "/scenarios/{id}/changes", A::Editor,
       "one change (op = add with lon, lat, name; close with id; move with id, lon, lat): the new coverage, its "
       "difference from the start and from before, the departments and the cells that crossed the threshold",
       sc::change},
      {"POST", "/scenarios/{id}/save", A::Editor, "save the scenario under a name: its key and shareable link",
       sc::save},
      {"GET", "/scenarios/{id}/sites.csv", A::Editor,
       "the scenario's hypothetical sites (id, name, lon, lat): candidates for plan best, sites for an AMI check",
       sc::sites_csv},

      {"GET", "/itinerant", A::Public, "itinerant places open at the date with their stops and next passage", it::list},
      {"GET", "/itinerant/stops.geojson", A::Public, "every stop of every itinerant place (points)", it::stops_geojson},
      {"GET", "/itinerant/stops.csv", A::Public, "every stop (place_id, seq, name, insee_code, lon, lat, hours, ...)",
       it::stops_csv},
      {"GET", "/places/{id}/timetable", A::Public, "an itinerant place's stops and passages (from, weeks)", it::timetable},
      {"GET", "/places/{id}/timetable.ics", A::Public, "its passages as iCalendar (from, days)", it::timetable_ics},
      {"PUT", "/places/{id}/timetable", A::Signed,
       "replace the timetable (operator, base_insee, vehicle, stops: name, insee_code, address, lon, lat, hours in the "
       "opening_hours syntax, note): editors and the place's managers",
       it::put},
      {"GET", "/places/{id}/route.geojson", A::Public, "the route of one day (date): base, stops served, base",
       it::day_route, Cost::Heavy},

      {"GET", "/auth/session", A::Public, "who is signed in (and the CSRF token for state-changing requests)",
       au::session_get},
      {"POST", "/auth/session", A::Public, "sign in (email, password): sets the session cookie", au::sign_in, H},
      {"DELETE", "/auth/session", A::Signed, "sign out", au::sign_out},
      {"GET", "/auth/sessions", A::Signed, "one's active sessions", au::sessions},
      {"POST", "/auth/sessions/{id}/revoke", A::Signed, "end one of one's sessions", au::session_revoke},
      {"POST", "/auth/sessions/revoke-all", A::Signed, "sign out everywhere", au::sign_out_everywhere},
      {"POST", "/auth/password", A::Signed, "change one's password (current, password)", au::change_password, H},
      {"POST", "/auth/register", A::Public,
       "register as a member of a place that allows it (email, display_name, password, place); 202 in every case",
       au::register_member, H},
      {"POST", "/auth/verify", A::Public, "confirm one's address with the key of the mailed link", au::verify},
      {"GET", "/auth/invitation", A::Public, "the account an invitation key opens (key)", au::invitation_get},
      {"POST", "/auth/invitation", A::Public, "accept an invitation: set one's password (key, password)",
       au::invitation_accept, H},
      {"POST", "/auth/reset", A::Public, "ask for a password reset link (email); 202 in every case", au::reset_request},
      {"POST", "/auth/reset/confirm", A::Public, "set a new password with the key of the mailed link (key, password)",
       au::reset_confirm, H},
      {"GET", "/auth/export", A::Signed, "everything Maillage holds about oneself (GDPR access), as JSON",
       au::export_mine},
      {"GET", "/auth/signup-places", A::Public, "places where people may register themselves as members",
       au::signup_places},
      {"POST", "/places/{id}/self-registration", A::Signed,
       "let people register themselves as members of the place (its managers, editors, admins)", au::self_registration},

      {"GET", "/users", A::Admin, "accounts with their roles and status", ad::users},
      {"POST", "/users/invitations", A::Admin, "invite a person by e-mail (email, display_name, roles)", ad::invite},
      {"POST", "/users/{id}/invitation", A::Admin, "send an invitation again", ad::reinvite},
      {"PATCH", "/users/{id}", A::Admin, "change an account's roles, status (active, disabled) or name", ad::update},
      {"GET", "/tokens", A::Admin, "bearer tokens (never their secret)", ad::tokens},
      {"POST", "/tokens", A::Admin, "create a bearer token (role, label, place, member, expires): shown once",
       ad::token_create},
      {"POST", "/tokens/{id}/revoke", A::Admin, "revoke a bearer token", ad::token_revoke},
      {"GET", "/audit", A::Admin, "the audit log of writes (actor, action, since, until, limit, offset)", ad::audit},
      {"GET", "/mail/outbox", A::Admin, "outgoing mail and its state (status, limit, offset)", ad::outbox},
      {"POST", "/mail/outbox/{id}/retry", A::Admin, "send a failed message again now", ad::outbox_retry},
  };
  return r;
}

}  // namespace maillage::api
