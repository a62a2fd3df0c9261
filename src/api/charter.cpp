// The network's charter and the listing of places over HTTP: its versions (public), a new version (editors),
// and a place's signature (its managers, editors, admins), written to the place through the registry's import.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "registry/io_formats.hpp"
#include "registry/listing.hpp"

namespace maillage::api::charter_api {

using nlohmann::json;

Response get(const Call& c) {
  auto d = q_date(c.r);
  StoreLease l(c.s);
  json versions = json::array();
  for (auto& v : registry::charter_versions(c.s.store->db()))
    versions.push_back(
        {{"version", v.version}, {"adopted_on", v.adopted_on}, {"text", v.text}, {"created_at", v.created_at}});
  auto in_force = registry::current_charter(c.s.store->db(), d);
  return json_response({{"date", d}, {"in_force", in_force.empty() ? json() : json(in_force)}, {"versions", versions}});
}

Response adopt(const Call& c) {
  auto b = body_object(c.r);
  registry::CharterVersion v;
  for (auto& [k, x] : b.items()) {
    if (k == "version")
      v.version = body_text(x, k, false, 40);
    else if (k == "adopted_on")
      v.adopted_on = body_text(x, k, false, 10);
    else if (k == "text")
      v.text = body_text(x, k, true, 200000);
    else
      throw bad(k, fmt::format("unknown field '{}' (version, adopted_on, text)", k));
  }
  if (v.adopted_on.empty()) v.adopted_on = date::today();
  v.created_by = fmt::format("{} ({})", c.who->actor(), c.who->name);
  StoreLease l(c.s);
  registry::adopt_charter(*c.s.store, v);
  return json_response(
      {{"version", v.version}, {"adopted_on", v.adopted_on}, {"registry_revision", c.s.store->revision()}}, 201);
}

Response sign(const Call& c) {
  auto& id = c.params[0];
  if (!c.who->registry() && !c.who->manages(id))
    throw Error(Errc::forbidden, "a place signs the charter through its managers, editors and admins");
  auto b = body_object(c.r);
  std::string signatory, version, on = date::today();
  for (auto& [k, x] : b.items()) {
    if (k == "signatory")
      signatory = body_text(x, k, false, 200);
    else if (k == "version")
      version = body_text(x, k, false, 40);
    else if (k == "signed_on")
      on = body_text(x, k, false, 10);
    else
      throw bad(k, fmt::format("unknown field '{}' (signatory, version, signed_on)", k));
  }
  if (signatory.empty()) throw bad("signatory", "who signs for the place is required");
  StoreLease l(c.s);
  auto place = c.s.store->get(id);
  if (!place) throw Error(Errc::place_not_found, fmt::format("no place with id '{}'", id));
  bool known = false;
  auto versions = registry::charter_versions(c.s.store->db());
  if (version.empty() && !versions.empty()) version = registry::current_charter(c.s.store->db(), on);
  for (auto& v : versions) known = known || v.version == version;
  if (!known) throw bad("version", version.empty() ? "no charter has been adopted yet" : "no charter has this version");
  registry::Record rec;
  rec.file = "request body";
  std::vector<registry::Problem> problems;
  registry::set_record_value(rec, registry::Field::id, id, problems);
  registry::set_record_value(rec, registry::Field::charter_version, version, problems);
  registry::set_record_value(rec, registry::Field::charter_signed_on, on, problems);
  registry::set_record_value(rec, registry::Field::charter_signatory, signatory, problems);
  registry::ImportOptions o;
  o.mode = registry::ImportOptions::Mode::UpdateOnly;
  o.origin = fmt::format("api {} ({}): charte {} signée par {}", c.who->actor(), c.who->name, version, signatory);
  auto rep = registry::import_records(*c.s.store, c.s.validator, {std::move(rec)}, o, std::move(problems));
  for (auto& p : rep.problems)
    if (p.is_error()) throw Error(Errc::place_invalid, p.message, p.where.field);
  auto after = *c.s.store->get(id);
  auto charter = c.s.store->charter_in_force();
  auto listing = registry::listing(after, date::today(), charter);
  json j = place_json(after, true, &charter);
  json failures = json::array();
  for (auto& x : listing.failures) failures.push_back({{"item", x.item}, {"message", x.message}});
  for (auto& x : listing.unknown) failures.push_back({{"item", x.item}, {"message", x.message}});
  return json_response({{"place", j}, {"listed", listing.listed}, {"missing", failures}});
}

}  // namespace maillage::api::charter_api
