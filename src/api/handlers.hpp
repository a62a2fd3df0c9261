#pragma once
// Every handler of the API, by resource family (internal to src/api). Each family is one file; the route table
// (routes.cpp) is the single list that binds them to methods and paths.
#include "api/service.hpp"

namespace maillage::api {

namespace territory_api {  // territory.cpp: health, the OpenAPI document, outlines, communes and the base map
Response health(const Call&);
Response openapi(const Call&);
Response territory_info(const Call&);
Response departments(const Call&);
Response communes_geojson(const Call&);
Response communes(const Call&);
Response roads(const Call&);
Response water(const Call&);
}  // namespace territory_api

namespace places_api {  // places.cpp: the directory
Response list(const Call&);
Response geojson(const Call&);
Response csv(const Call&);
Response mednum(const Call&);
Response get(const Call&);
Response create(const Call&);
Response update(const Call&);
Response close(const Call&);
}  // namespace places_api

namespace coverage_api {  // coverage.cpp: coverage and indicators
Response summary(const Call&);
Response cells(const Call&);
Response zones(const Call&);
Response indicators(const Call&);
Response isochrones(const Call&);
}  // namespace coverage_api

namespace eligibility_api {  // eligibility.cpp: funding calls, eligibility checks and applications
Response calls(const Call&);
Response creation(const Call&);
Response development(const Call&);
Response applications(const Call&);
Response application_create(const Call&);
Response application_get(const Call&);
Response application_action(const Call&);
}  // namespace eligibility_api

namespace planning_api {  // planning.cpp
Response best(const Call&);
Response cover(const Call&);
Response criticality(const Call&);
}  // namespace planning_api

namespace itinerant_api {  // itinerant.cpp: itinerant places, their timetables, the tour planner
Response list(const Call&);
Response stops_geojson(const Call&);
Response stops_csv(const Call&);
Response timetable(const Call&);
Response timetable_ics(const Call&);
Response put(const Call&);
Response day_route(const Call&);
Response tour(const Call&);
}  // namespace itinerant_api

namespace scenarios_api {  // scenarios.cpp: what-if scenarios (live in memory, saved by key)
Response create(const Call&);
Response get(const Call&);
Response change(const Call&);
Response sites_csv(const Call&);
Response save(const Call&);
Response saved(const Call&);
Response open_saved(const Call&);
}  // namespace scenarios_api

namespace booking_api {  // booking.cpp: resources, free desks, bookings and their calendars
Response resources(const Call&);
Response search(const Call&);
Response occupancy(const Call&);
Response list(const Call&);
Response create(const Call&);
Response get(const Call&);
Response action(const Call&);
Response member_calendar(const Call&);
Response resource_calendar(const Call&);
}  // namespace booking_api

namespace auth_api {  // auth.cpp: signing in and out, sessions, registration, invitations, password resets
Response session_get(const Call&);
Response sign_in(const Call&);
Response sign_out(const Call&);
Response sessions(const Call&);
Response session_revoke(const Call&);
Response sign_out_everywhere(const Call&);
Response change_password(const Call&);
Response register_member(const Call&);
Response verify(const Call&);
Response invitation_get(const Call&);
Response invitation_accept(const Call&);
Response reset_request(const Call&);
Response reset_confirm(const Call&);
Response signup_places(const Call&);
Response export_mine(const Call&);
Response self_registration(const Call&);
}  // namespace auth_api

namespace admin_api {  // admin.cpp: accounts, tokens, the audit log, the mail outbox
Response users(const Call&);
Response invite(const Call&);
Response reinvite(const Call&);
Response update(const Call&);
Response tokens(const Call&);
Response token_create(const Call&);
Response token_revoke(const Call&);
Response audit(const Call&);
Response outbox(const Call&);
Response outbox_retry(const Call&);
}  // namespace admin_api

namespace contributions_api {  // contributions.cpp: proposals, their moderation, confirmations, data quality
Response submit(const Call&);
Response follow(const Call&);
Response withdraw(const Call&);
Response list(const Call&);
Response get(const Call&);
Response action(const Call&);
Response confirm(const Call&);
Response quality(const Call&);
}  // namespace contributions_api

namespace charter_api {  // charter.cpp: the network's charter and the places' signatures
Response get(const Call&);
Response adopt(const Call&);
Response sign(const Call&);
}  // namespace charter_api

namespace contacts_api {  // contacts.cpp: the network's contacts and targets (editors, admins)
Response list(const Call&);
Response export_csv(const Call&);
Response export_vcard(const Call&);
Response import(const Call&);
Response get(const Call&);
Response create(const Call&);
Response update(const Call&);
Response log(const Call&);
Response personal_data(const Call&);
Response erase(const Call&);
Response organisations(const Call&);
Response organisation_create(const Call&);
}  // namespace contacts_api

namespace events_api {  // events.cpp: information days and other events, registration, invitations
Response list(const Call&);
Response calendar(const Call&);
Response get(const Call&);
Response create(const Call&);
Response register_person(const Call&);
Response registration(const Call&);
Response cancel(const Call&);
Response registrations(const Call&);
Response attendance(const Call&);
Response invitations(const Call&);
Response gaps(const Call&);
}  // namespace events_api

namespace resources_api {  // resources.cpp: the library of resources, and the members of the network
Response search(const Call&);
Response get(const Call&);
Response file(const Call&);
Response create(const Call&);
Response upload(const Call&);
Response members(const Call&);
Response member_record(const Call&);
Response census(const Call&);
}  // namespace resources_api

namespace publications_api {  // publications.cpp: the printed bottin and panorama (PDF)
Response bottin(const Call&);
Response panorama(const Call&);
}  // namespace publications_api

}  // namespace maillage::api
