#pragma once
// The checks every network record shares (internal to src/network): a refusal naming the field, and text that is
// trimmed, bounded and free of control characters.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::network::detail {

[[noreturn]] inline void refuse(const std::string& field, const std::string& why) { throw InputError(field, why); }

inline std::string clean(const std::string& field, std::string_view v, size_t max, bool multiline = false) {
  auto t = std::string(text::trim(v));
  if (t.size() > max) refuse(field, fmt::format("at most {} bytes", max));
  if (auto why = text::text_problem(t, multiline); !why.empty()) refuse(field, why);
  return t;
}

// The department of a commune of the bundled table ("" for an unknown code).
inline std::string dep_of(const std::string& insee) {
  auto* c = territory::CommuneTable::bundled().find(insee);
  return c ? c->dep : std::string();
}

}  // namespace maillage::network::detail
