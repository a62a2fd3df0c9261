// The directory over HTTP: list (filters, pages), exports, one place with its history, create, update, close.
// Writes go through the registry's transactional import, like the CLI's.
#include <sstream>

#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "registry/filter.hpp"
#include "registry/io_formats.hpp"
#include "moderation/moderation.hpp"
#include "registry/listing.hpp"
#include "territory/communes.hpp"

namespace maillage::api::places_api {

using nlohmann::json;

namespace {

registry::PlaceFilter filter_of(const Request& r, int max_page, bool paging) {
  registry::FilterText t;
  for (auto& x : text::split_list(q(r, "type"), ",")) t.types.push_back(x);
  t.status = q(r, "status"), t.department = q(r, "department"), t.commune = q(r, "commune"), t.text = q(r, "q");
  t.open_on = q(r, "open_on"), t.bbox = q(r, "bbox"), t.listed = q(r, "listed");
  if (paging) {
    t.limit = static_cast<int>(q_number(r, "limit", 50, 1, max_page));
    t.offset = static_cast<int>(q_number(r, "offset", 0, 0, 1e9));
  }
  try {
    return registry::parse_filter(t);
  } catch (const registry::FilterError& e) {
    throw bad(e.param == "text" ? "q" : e.param, e.what());
  }
}

std::shared_ptr<const State::PlacesJson> places_json(
    State& s, const std::shared_ptr<const registry::PlaceStore::Snapshot>& snap) {
  std::lock_guard l(s.places_json_mu);
  if (!s.places_json || s.places_json->snapshot != snap) {
    auto made = std::make_shared<State::PlacesJson>();
    made->snapshot = snap;
    for (auto& p : snap->places)
      for (bool priv : {false, true}) made->items[priv].push_back(place_json(p, priv, &snap->charter).dump());
    s.places_json = std::move(made);
  }
  return s.places_json;
}

Response export_as(const Call& c, const std::string& fmt_name) {
  auto f = filter_of(c.r, 0, false);
  std::vector<registry::Place> items;
  {
    StoreLease l(c.s);
    items = c.s.store->list(f);
  }
  std::ostringstream out;
  registry::ExportReport rep;
  registry::export_places(items, registry::parse_format(fmt_name), may_see_private(c.who),
                          territory::CommuneTable::bundled(), out, &rep);
  bool geo = fmt_name == "geojson";
  Response res{200, geo ? "application/json" : "text/csv; charset=utf-8", out.str(),
               geo                    ? "tiers-lieux.geojson"
               : fmt_name == "mednum" ? "lieux-mediation-numerique.csv"
                                      : "tiers-lieux.csv"};
  // What the format left out (mednum: rows without the fields the national schema requires), in headers.
  res.headers.emplace_back("X-Maillage-Written", std::to_string(rep.written));
  res.headers.emplace_back("X-Maillage-Skipped", std::to_string(rep.skipped_places()));
  return res;
}

// A place body: known fields only, values as in the CSV formats (lists as arrays or comma-separated).
registry::Record record_of(const json& body, std::vector<registry::Problem>& problems) {
  registry::Record rec;
  rec.file = "request body";
  for (auto& [key, value] : body.items()) {
    auto* def = registry::find_field(key);
    if (!def || def->field == registry::Field::id)
      throw bad(key, fmt::format("unknown field '{}' (the fields are those of the Maillage CSV: docs/data.md)", key));
    std::string v;
    if (value.is_string())
      v = value.get<std::string>();
    else if (value.is_number())
      v = value.dump();
    else if (value.is_null())
      v = "";
    else if (value.is_array()) {
      std::vector<std::string> parts;
      for (auto& x : value) {
        if (!x.is_string()) throw bad(key, "expected an array of strings");
        parts.push_back(x.get<std::string>());
      }
      v = text::join(parts, ",");
    } else {
      throw bad(key, "expected a string, a number or an array of strings");
    }
    registry::set_record_value(rec, def->field, v, problems);
  }
  return rec;
}

Response write(const Call& c, registry::Record rec, std::vector<registry::Problem> problems,
               registry::ImportOptions::Mode mode, int ok_status) {
  registry::ImportOptions o;
  o.mode = mode;
  o.origin = fmt::format("api {} ({})", c.who->actor(), c.who->name);
  registry::ImportReport rep;
  {
    StoreLease l(c.s);
    rep = registry::import_records(*c.s.store, c.s.validator, {std::move(rec)}, o, std::move(problems));
  }
  json warnings = json::array();
  for (auto& p : rep.problems) {
    if (p.is_error()) throw Error(p.code, p.message, p.where.field);
    warnings.push_back({{"field", p.where.field}, {"message", p.message}});
  }
  if (!rep.committed) throw Error(Errc::place_invalid, "refused: nothing was written");
  auto id = rep.written_ids.empty() ? std::string() : rep.written_ids[0];
  json out{{"registry_revision", rep.revision}, {"changed", rep.inserted + rep.updated > 0}, {"warnings", warnings}};
  if (!id.empty()) out["place"] = place_json(require_place(c.s, id), c.who);
  return json_response(out, ok_status);
}

}  // namespace

Response list(const Call& c) {
  auto& s = c.s;
  auto f = filter_of(c.r, c.limits.max_page, true);
  bool priv = may_see_private(c.who);
  // A page depends only on the registry revision, the filter (as parsed) and whether private fields are shown.
  std::string key = fmt::format("places|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", s.revision(), date::today(), priv,
                                f.types_any, f.status ? static_cast<int>(*f.status) : -1, f.department, f.insee_code,
                                f.text, f.open_on, f.listed ? static_cast<int>(*f.listed) : -1, f.limit, f.offset);
  if (f.bbox) key += fmt::format("|{},{},{},{}", f.bbox->min_lon, f.bbox->min_lat, f.bbox->max_lon, f.bbox->max_lat);
  auto body = cached(
      s, key,
      [&] {
        registry::PlaceStore::Selection sel;
        {
          StoreLease l(s);
          sel = s.store->select(f);
        }
        auto items = places_json(s, sel.snapshot);
        std::vector<const std::string*> page;
        for (auto n : sel.page) page.push_back(&items->items[priv][n]);
        return registry::list_page(page, f.limit, f.offset, sel.snapshot->revision, sel.total);
      },
      true);
  return {200, "application/json", *body, {}};
}

Response geojson(const Call& c) { return export_as(c, "geojson"); }
Response csv(const Call& c) { return export_as(c, "csv"); }
Response mednum(const Call& c) { return export_as(c, "mednum"); }

Response get(const Call& c) {
  auto& id = c.params[0];
  auto place = require_place(c.s, id);
  auto j = place_json(place, may_see_private(c.who));
  json hist = json::array();
  {
    StoreLease l(c.s);
    bool priv = may_see_private(c.who);
    auto history = c.s.store->history(id);
    for (auto& h : history) {
      json e{{"revision", h.revision}, {"action", h.action}, {"at", h.at}, {"origin", h.origin}};
      // A change that came from a contribution names it; the network's staff see who proposed it (the name is
      // personal data, erased on request, so it is kept with the contribution, not in the append-only history).
      static const std::string kFrom = "contribution n° ";
      if (h.origin.starts_with(kFrom)) {
        int64_t n = std::atoll(h.origin.c_str() + kFrom.size());
        e["contribution"] = n;
        if (priv) {
          auto st = c.s.store->db().prepare("SELECT contributor_name FROM contributions WHERE id = ?");
          st.bind(1, n);
          if (st.step()) e["contributor"] = st.text(0);
        }
      }
      hist.push_back(e);
    }
    // The managers' yearly confirmation: when it was last given, and whether it is due (12 months).
    auto last = moderation::last_confirmation(c.s.store->db(), id);
    j["confirmed_at"] = last.empty() ? json() : json(last);
    j["confirmation_due"] = last.empty() || last < date::utc_after(-365 * 24 * 3600);
    // Listed on the regional map today, and what is missing; who stated each criterion and when.
    auto charter = c.s.store->charter_in_force();
    auto listing = registry::listing(place, date::today(), charter);
    json failures = json::array(), unknown = json::array(), criteria = json::array();
    for (auto& x : listing.failures) failures.push_back({{"item", x.item}, {"message", x.message}});
    for (auto& x : listing.unknown) unknown.push_back({{"item", x.item}, {"message", x.message}});
    for (auto& x : registry::criteria_provenance(history, place))
      criteria.push_back({{"criterion", x.criterion},
                          {"value", x.value},
                          {"said_by", x.said_by.empty() ? json() : json(x.said_by)},
                          {"said_at", x.said_at.empty() ? json() : json(x.said_at)}});
    j["listed"] = listing.listed;
    j["listing"] = {{"charter_in_force", charter.empty() ? json() : json(charter)},
                    {"failures", failures},
                    {"unknown", unknown},
                    {"criteria", criteria}};
  }
  j["history"] = hist;
  return json_response(j);
}

Response create(const Call& c) {
  std::vector<registry::Problem> problems;
  auto rec = record_of(body_object(c.r), problems);
  if (!rec.present.test(static_cast<size_t>(registry::Field::name))) throw bad("name", "name is required");
  return write(c, std::move(rec), std::move(problems), registry::ImportOptions::Mode::InsertOnly, 201);
}

Response update(const Call& c) {
  require_place(c.s, c.params[0]);
  if (!c.who->registry() && !c.who->manages(c.params[0]))
    throw Error(Errc::forbidden, "a place's sheet is changed by its managers, editors and admins");
  std::vector<registry::Problem> problems;
  auto rec = record_of(body_object(c.r), problems);
  // A manager keeps their sheet current; whether the place is open or closed is the network's record.
  if (!c.who->registry())
    for (auto f : {registry::Field::status, registry::Field::closing_date, registry::Field::opening_date})
      if (rec.present.test(static_cast<size_t>(f)))
        throw Error(Errc::forbidden, "a place's status and dates are changed by editors (ask the network)",
                    std::string(registry::field_def(f).name));
  rec.place.id = c.params[0];
  rec.present.set(static_cast<size_t>(registry::Field::id));
  return write(c, std::move(rec), std::move(problems), registry::ImportOptions::Mode::UpdateOnly, 200);
}

Response close(const Call& c) {
  auto place = require_place(c.s, c.params[0]);
  auto b = c.r.body.empty() ? json::object() : body_object(c.r);
  std::string d = date::today(), reason;
  for (auto& [k, v] : b.items()) {
    auto x = body_text(v, k, k == "reason");
    if (k == "date")
      d = x;
    else if (k == "reason")
      reason = x;
    else
      throw bad(k, fmt::format("unknown field '{}' (date, reason)", k));
  }
  std::vector<registry::Problem> problems;
  auto rec = registry::closing_record(place, d, reason, "request body", problems);
  return write(c, std::move(rec), std::move(problems), registry::ImportOptions::Mode::UpdateOnly, 200);
}

}  // namespace maillage::api::places_api
