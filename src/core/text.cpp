#include "core/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"

namespace maillage::text {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (n < 0 || c < 0xC2 || c > 0xF4 || i + n >= s.size()) return false;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return false;
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

std::string text_problem(std::string_view s, bool multiline) {
  if (!is_valid_utf8(s)) return "is not valid UTF-8 text";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((c < 0x20 && !allowed) || c == 0x7F)
      return fmt::format("contains a control character (U+{:04X}) at byte {}{}", c, i + 1,
                         multiline ? "" : "; this field is one line of text");
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)  // U+0080..U+009F
      return fmt::format("contains a control character (U+{:04X}) at byte {}", static_cast<unsigned char>(s[i + 1]),
                         i + 1);
  }
  return {};
}

void require_clean(std::string_view s, const std::string& field, bool multiline, size_t max) {
  if (auto why = text_problem(s, multiline); !why.empty()) throw InputError(field, why);
  if (s.size() > max) throw InputError(field, fmt::format("longer than {} bytes", max));
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string printable(std::string_view s, size_t max) {
  std::string out;
  size_t i = 0;
  while (i < s.size() && out.size() < max) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (n < 0 || i + n >= s.size() || !is_valid_utf8(s.substr(i, n + 1)) ||
        (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0)) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    out.append(s.substr(i, n + 1));
    i += n + 1;
  }
  if (i < s.size()) out += "…";
  return out;
}

namespace {
// Decodes one UTF-8 code point at s[i]; advances i. Invalid bytes decode as themselves.
char32_t next_cp(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 0;
  if (i + n >= s.size()) n = 0;
  char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n + 1;
  return cp;
}

// ASCII base letters for Latin-1 Supplement and Latin Extended-A letters met in French names.
const char* fold_cp(char32_t cp) {
  if (cp >= 0xC0 && cp <= 0xFF) {
    static const char* table[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
        "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
        "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF
    return table[cp - 0xC0];
  }
  switch (cp) {
    case 0x152:
    case 0x153: return "oe";
    case 0x178: return "y";
    case 0x2019:
    case 0x2018:
    case 0x2013:
    case 0x2014:
    case 0xB0: return " ";
    default: return nullptr;
  }
}
}  // namespace

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = true;  // suppress leading space
  auto put = [&](char c) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out += c;
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  };
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_cp(s, i);
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      put(c);
    } else if (const char* f = fold_cp(cp)) {
      for (const char* p = f; *p; ++p) put(*p);
    } else {
      put(' ');
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> split_list(std::string_view s, std::string_view separators) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || separators.find(s[i]) != std::string_view::npos) {
      auto item = trim(s.substr(start, i - start));
      if (!item.empty()) out.emplace_back(item);
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return false;
  std::string tmp(s);
  for (char& c : tmp)
    if (c == ',') c = '.';
  double v = 0;
  auto [p, ec] = std::from_chars(tmp.data(), tmp.data() + tmp.size(), v);
  if (ec != std::errc() || p != tmp.data() + tmp.size() || !std::isfinite(v)) return false;  // nan, inf, 1e999
  out = v;
  return true;
}

bool parse_int(std::string_view s, long long& out) {
  s = trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace maillage::text
