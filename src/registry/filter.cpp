#include "registry/filter.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::registry {

PlaceFilter parse_filter(const FilterText& t) {
  PlaceFilter f;
  for (auto& type : t.types) {
    uint32_t m = 0;
    auto bad = parse_mask(type, place_types(), m);
    if (!bad.empty())
      throw FilterError("type",
                        fmt::format("unknown type '{}': accepted values are {}", bad, accepted_values(place_types())));
    f.types_any |= m;
  }
  if (!t.status.empty()) {
    Place p;
    auto err = parse_field(p, Field::status, t.status);
    if (!err.empty()) throw FilterError("status", err);
    f.status = p.status;
  }
  if (!t.department.empty()) {
    auto& deps = territory::CommuneTable::bundled().departments();
    if (std::find(deps.begin(), deps.end(), t.department) == deps.end())
      throw FilterError("department", fmt::format("'{}' is not a department of the region ({})", t.department,
                                                  text::join(deps, ", ")));
    f.department = t.department;
  }
  if (!t.commune.empty()) {
    size_t named = 0;
    auto code = territory::CommuneTable::bundled().resolve(t.commune, &named);
    if (code.empty())
      throw FilterError("commune", fmt::format("'{}' {}", t.commune,
                                               named == 0 ? "is neither an INSEE code nor a commune name of the region"
                                                          : "names several communes: give the INSEE code"));
    f.insee_code = code;
  }
  f.text = t.text;
  if (!t.open_on.empty()) {
    std::string why;
    auto d = date::parse(t.open_on, why, false);
    if (!d) throw FilterError("open_on", why);
    f.open_on = d->iso;
  }
  if (!t.bbox.empty()) {
    auto parts = text::split_list(t.bbox, ",");
    double v[4];
    if (parts.size() != 4 || !text::parse_double(parts[0], v[0]) || !text::parse_double(parts[1], v[1]) ||
        !text::parse_double(parts[2], v[2]) || !text::parse_double(parts[3], v[3]) || v[0] > v[2] || v[1] > v[3])
      throw FilterError("bbox", "expected min_lon,min_lat,max_lon,max_lat with min <= max");
    f.bbox = PlaceFilter::BBox{v[0], v[1], v[2], v[3]};
  }
  if (!t.listed.empty()) {
    auto v = text::fold(t.listed);
    if (v == "true" || v == "1" || v == "yes" || v == "oui")
      f.listed = true;
    else if (v == "false" || v == "0" || v == "no" || v == "non")
      f.listed = false;
    else
      throw FilterError("listed", fmt::format("'{}' is not true or false", text::printable(t.listed, 40)));
  }
  f.limit = t.limit;
  f.offset = t.offset;
  return f;
}

}  // namespace maillage::registry
