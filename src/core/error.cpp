#include "core/error.hpp"

#include <array>

namespace maillage {

namespace {
constexpr std::array kCatalogue = {
#define MAILLAGE_ERRC_ENTRY(code, status, message) ErrorInfo{Errc::code, #code, status, message},
    MAILLAGE_ERRORS(MAILLAGE_ERRC_ENTRY)
#undef MAILLAGE_ERRC_ENTRY
};

}  // namespace

std::span<const ErrorInfo> error_catalogue() { return kCatalogue; }

const ErrorInfo& info(Errc e) { return kCatalogue[static_cast<size_t>(e)]; }

const ErrorInfo* find_error(std::string_view code) {
  for (auto& e : kCatalogue)
    if (e.code == code) return &e;
  return nullptr;
}

std::string render_message(Errc e, std::string_view detail, std::string_view field) {
  // One pass over the template: what is put in (it may quote the input) is never read again as a placeholder.
  std::string_view t = info(e).message;
  std::string s;
  for (size_t i = 0; i < t.size();) {
    if (t.substr(i).starts_with("{detail}")) {
      s += detail, i += 8;
    } else if (t.substr(i).starts_with("{field}")) {
      s += field.empty() ? std::string_view("?") : field, i += 7;
    } else {
      s += t[i++];
    }
  }
  return s;
}

std::string Location::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

InputError::InputError(const Location& where, const std::string& reason, Errc code)
    : Error(code, reason, where.field, where.str() + ": " + reason), where_(where) {}

InputError::InputError(const std::string& field, const std::string& reason)
    : Error(Errc::field_invalid, reason, field, field.empty() ? reason : field + ": " + reason),
      where_{"", 0, 0, field} {}

}  // namespace maillage
