// Contacts in and out: CSV (libcsv, the columns below) and vCard 4.0 (RFC 6350). Imports are one transaction:
// a bad row refuses the file, naming the line and the column.
#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/ical.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "network/network.hpp"

namespace maillage::network {

namespace {

const std::vector<std::string> kCsvColumns = {"first_name",   "last_name",         "email",     "phone",
                                              "organisation", "organisation_kind", "role",      "insee_code",
                                              "tags",         "lawful_basis",      "consent_at"};

// The organisation of this name, made when missing.
int64_t organisation_id(Contacts& c, const std::string& name, const std::string& kind) {
  if (name.empty()) return 0;
  for (auto& o : c.organisations())
    if (text::fold(o.name) == text::fold(name)) return o.id;
  Organisation o;
  o.name = name;
  o.kind = kind.empty() ? "autre" : kind;
  return c.add_organisation(o);
}

// Adds the contact, or updates the one with the same e-mail.
void upsert(Contacts& c, Contact x, const std::string& by) {
  if (!x.email.empty())
    if (auto id = c.find_email(text::to_lower_ascii(text::trim(x.email)))) {
      x.id = *id;
      c.update(x, by);
      return;
    }
  c.add(x, by);
}

// vCard's text rules are iCalendar's (RFC 6350 3.2 and 3.4).
std::string vtext(const std::string& s) { return ical::escape_text(s); }
void vline(std::string& out, const std::string& l) { ical::append_line(out, l); }
std::string unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      char n = v[++i];
      out += n == 'n' || n == 'N' ? '\n' : n;
    } else {
      out += v[i];
    }
  }
  return out;
}
// Splits a structured value on unescaped ';'.
std::vector<std::string> components(std::string_view v) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size())
      out.back() += v.substr(i, 2), ++i;
    else if (v[i] == ';')
      out.emplace_back();
    else
      out.back() += v[i];
  }
  for (auto& x : out) x = unescape(x);
  return out;
}

}  // namespace

void Contacts::export_csv(const std::vector<Contact>& contacts, std::ostream& out) {
  csv::Writer w(out);
  w.row(kCsvColumns);
  for (auto& c : contacts) {
    std::string kind;
    if (c.organisation_id)
      if (auto o = organisation(c.organisation_id)) kind = o->kind;
    w.row({c.first_name, c.last_name, c.email, c.phone, c.organisation, kind, c.role, c.insee_code, c.tags,
           c.lawful_basis, c.consent_at});
  }
}

int Contacts::import_csv(std::string_view content, const std::string& label, const std::string& by) {
  auto t = csv::parse(content, label);
  for (size_t i = 0; i < t.header.size(); ++i)
    if (std::find(kCsvColumns.begin(), kCsvColumns.end(), t.header[i]) == kCsvColumns.end())
      throw InputError(Location{label, 1, static_cast<int>(i + 1), t.header[i]},
                       fmt::format("unknown column '{}' (expected {})", t.header[i], text::join(kCsvColumns, ", ")));
  db::Transaction txn(store_.db());
  int n = 0;
  for (auto& row : t.rows) {
    auto cell = [&](const std::string& name) {
      int i = t.column(name);
      return i < 0 ? std::string() : std::string(csv::unneutralise_formula(row.fields[i]));
    };
    try {
      Contact c;
      c.first_name = cell("first_name"), c.last_name = cell("last_name"), c.email = cell("email");
      c.phone = cell("phone"), c.role = cell("role"), c.insee_code = cell("insee_code"), c.tags = cell("tags");
      c.lawful_basis = cell("lawful_basis").empty() ? "legitimate_interest" : cell("lawful_basis");
      c.consent_at = cell("consent_at");
      c.organisation_id = organisation_id(*this, cell("organisation"), cell("organisation_kind"));
      upsert(*this, c, by);
      ++n;
    } catch (const InputError& e) {  // a value refused, its field named
      int col = t.column(e.field());
      throw InputError(Location{label, row.line, col + 1, e.field()}, e.detail());
    }
  }
  txn.commit();
  return n;
}

std::string Contacts::export_vcard(const std::vector<Contact>& contacts) {
  std::string out;
  for (auto& c : contacts) {
    if (!c.erased_at.empty()) continue;
    vline(out, "BEGIN:VCARD");
    vline(out, "VERSION:4.0");
    std::string full(text::trim(c.first_name + " " + c.last_name));  // a copy: trim() views its argument
    vline(out, "FN:" + vtext(full));
    vline(out, "N:" + vtext(c.last_name) + ";" + vtext(c.first_name) + ";;;");
    if (!c.email.empty()) vline(out, "EMAIL;TYPE=work:" + vtext(c.email));
    if (!c.phone.empty()) vline(out, "TEL;VALUE=uri;TYPE=work:tel:" + vtext(c.phone));
    if (!c.organisation.empty()) vline(out, "ORG:" + vtext(c.organisation));
    if (!c.role.empty()) vline(out, "TITLE:" + vtext(c.role));
    if (!c.tags.empty()) {
      std::vector<std::string> tags;
      for (auto& x : text::split_list(c.tags, ";")) tags.push_back(vtext(x));
      vline(out, "CATEGORIES:" + text::join(tags, ","));
    }
    vline(out, fmt::format("UID:urn:maillage:contact:{}", c.id));
    vline(out, "END:VCARD");
  }
  return out;
}

int Contacts::import_vcard(std::string_view content, const std::string& label, const std::string& by) {
  // Unfolded lines (a line starting with a space or a tab continues the previous one).
  std::vector<std::pair<int, std::string>> lines;
  int number = 0;
  size_t pos = 0;
  while (pos <= content.size()) {
    auto end = content.find('\n', pos);
    auto l = std::string(content.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    ++number;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty() && (l[0] == ' ' || l[0] == '\t') && !lines.empty())
      lines.back().second += l.substr(1);
    else if (!l.empty())
      lines.push_back({number, l});
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  db::Transaction txn(store_.db());
  int n = 0;
  std::optional<Contact> card;
  std::string org;
  for (auto& [line, l] : lines) {
    auto colon = l.find(':');
    if (colon == std::string::npos) throw InputError(Location{label, line, 0, {}}, "expected NAME:value");
    auto name = text::to_lower_ascii(l.substr(0, l.find_first_of(";:")));
    auto value = std::string_view(l).substr(colon + 1);
    if (name == "begin") {
      if (card) throw InputError(Location{label, line, 0, "BEGIN"}, "a vCard inside another");
      card = Contact{}, org.clear();
    } else if (!card) {
      throw InputError(Location{label, line, 0, {}}, "a property outside BEGIN:VCARD ... END:VCARD");
    } else if (name == "end") {
      try {
        card->organisation_id = organisation_id(*this, org, "");
        upsert(*this, *card, by);
      } catch (const InputError& e) {
        throw InputError(Location{label, line, 0, e.field()}, e.detail());
      }
      card.reset(), ++n;
    } else if (name == "n") {
      auto parts = components(value);
      card->last_name = parts[0];
      if (parts.size() > 1) card->first_name = parts[1];
    } else if (name == "fn" && card->last_name.empty() && card->first_name.empty()) {
      card->last_name = unescape(value);
    } else if (name == "email" && card->email.empty()) {
      card->email = unescape(value);
    } else if (name == "tel" && card->phone.empty()) {
      auto v = unescape(value);
      card->phone = v.rfind("tel:", 0) == 0 ? v.substr(4) : v;
    } else if (name == "org") {
      org = components(value)[0];
    } else if (name == "title") {
      card->role = unescape(value);
    } else if (name == "categories") {
      std::vector<std::string> tags;
      for (auto& x : text::split_list(unescape(value), ",")) tags.push_back(x);
      card->tags = text::join(tags, ";");
    }
  }
  if (card) throw InputError(Location{label, number, 0, "END"}, "a vCard without END:VCARD");
  txn.commit();
  return n;
}

}  // namespace maillage::network
