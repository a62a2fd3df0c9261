#include "core/csv.hpp"

#include <cctype>

#include <csv.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/io.hpp"
#include "core/text.hpp"

namespace maillage::csv {

int Table::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

int Table::column_any_case(std::string_view name) const {
  auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
        return false;
    return true;
  };
  for (size_t i = 0; i < header.size(); ++i)
    if (same(header[i], name)) return static_cast<int>(i);
  return -1;
}

namespace {

constexpr size_t kMaxFieldBytes = 64 * 1024;   // a cell: far more than any name, address or note
constexpr size_t kMaxLineBytes = 1024 * 1024;  // a line

struct ParseState {
  Table* table = nullptr;
  int current_line = 0;
  int record_line = 0;
  bool in_record = false;
  bool have_header = false;
  std::vector<std::string> fields;
};

void on_field(void* data, size_t len, void* st) {
  auto* s = static_cast<ParseState*>(st);
  std::string_view f(static_cast<const char*>(data ? data : ""), data ? len : 0);
  if (f.size() > kMaxFieldBytes)
    throw InputError(Location{s->table->file, s->current_line, static_cast<int>(s->fields.size()) + 1, {}},
                     fmt::format("a field is longer than {} bytes (a quote left open?)", kMaxFieldBytes));
  if (!s->in_record) {
    s->in_record = true;
    int newlines = 0;
    for (char c : f) newlines += c == '\n';
    s->record_line = s->current_line - newlines;
  }
  s->fields.emplace_back(f);
}

void on_record(int, void* st) {
  auto* s = static_cast<ParseState*>(st);
  if (!s->in_record) return;  // empty line
  Table& t = *s->table;
  if (!s->have_header) {
    for (auto& h : s->fields) t.header.emplace_back(text::trim(h));
    s->have_header = true;
  } else {
    // A row that is entirely empty fields (",,,,") is skipped like a blank line.
    bool blank = true;
    for (auto& f : s->fields) blank = blank && text::trim(f).empty();
    if (!blank) {
      if (s->fields.size() != t.header.size())
        throw InputError(
            Location{t.file, s->record_line, 0, {}},
            fmt::format("row has {} fields but the header has {} (check quoting and delimiter '{}')", s->fields.size(),
                        t.header.size(), t.delimiter == '\t' ? "\\t" : std::string(1, t.delimiter)));
      t.rows.push_back(Row{s->record_line, std::move(s->fields)});
    }
  }
  s->fields.clear();
  s->in_record = false;
}

char detect_delimiter(std::string_view first_line) {
  int comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : first_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    semi += c == ';';
    tab += c == '\t';
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

struct Parser {
  csv_parser p{};
  Parser(unsigned char opts) {
    if (csv_init(&p, opts) != 0) throw Error("csv: cannot initialise libcsv");
  }
  ~Parser() { csv_free(&p); }
};

}  // namespace

Table parse(std::string_view content, const std::string& file_label) {
  Table table;
  table.file = file_label;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  if (!text::is_valid_utf8(content)) {
    // Find the line of the first bad byte so the user can look at it.
    size_t lo = 0;
    int line = 1;
    for (size_t i = 0; i < content.size(); ++i) {
      if (content[i] == '\n') {
        if (!text::is_valid_utf8(content.substr(lo, i - lo))) break;
        lo = i + 1;
        ++line;
      }
    }
    throw InputError(Location{file_label, line, 0, {}},
                     "text is not valid UTF-8 (a Latin-1/Windows-1252 export? convert it with "
                     "'iconv -f WINDOWS-1252 -t UTF-8')");
  }
  auto nl = content.find('\n');
  table.delimiter = detect_delimiter(content.substr(0, nl));

  Parser parser(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
  csv_set_delim(&parser.p, static_cast<unsigned char>(table.delimiter));
  ParseState st;
  st.table = &table;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    end = end == std::string_view::npos ? content.size() : end + 1;
    ++st.current_line;
    auto chunk = content.substr(pos, end - pos);
    if (chunk.size() > kMaxLineBytes)
      throw InputError(Location{file_label, st.current_line, 0, {}},
                       fmt::format("the line is longer than {} bytes: not a CSV table", kMaxLineBytes));
    if (csv_parse(&parser.p, chunk.data(), chunk.size(), on_field, on_record, &st) != chunk.size()) {
      // The field being read when libcsv stopped: the one after those already read in this record.
      int column = static_cast<int>(st.fields.size()) + 1;
      std::string name =
          st.have_header && column <= static_cast<int>(table.header.size()) ? table.header[column - 1] : "";
      throw InputError(Location{file_label, st.current_line, column, name},
                       fmt::format("malformed CSV in field {}{}: {} (a quote inside a field must be doubled, and a "
                                   "field with quotes must be quoted whole)",
                                   column, name.empty() ? "" : " (" + name + ")", csv_strerror(csv_error(&parser.p))));
    }
    pos = end;
  }
  if (csv_fini(&parser.p, on_field, on_record, &st) != 0)
    throw InputError(Location{file_label, st.record_line ? st.record_line : st.current_line, 0, {}},
                     "malformed CSV: a quoted field is not closed before the end of the file");
  if (!st.have_header) throw InputError(Location{file_label, 1, 0, {}}, "file is empty: no header line");
  return table;
}

Table read(const std::string& path, size_t max_bytes) { return parse(io::read_file(path, max_bytes), path); }

std::string quote(std::string_view field, char delimiter) {
  bool needs = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char c : field) needs = needs || c == delimiter || c == '"' || c == '\n' || c == '\r';
  if (!needs) return std::string(field);
  std::string out;
  out.resize(field.size() * 2 + 2);
  size_t n = csv_write(out.data(), out.size(), field.data(), field.size());
  out.resize(n);
  return out;
}

namespace {
bool formula_start(std::string_view f) {
  if (f.empty()) return false;
  char c = f.front();
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
  double v = 0;
  return !text::parse_double(f, v);  // "-0.57" and "+33" stay numbers
}
}  // namespace

std::string neutralise_formula(std::string_view field) {
  return formula_start(field) ? "'" + std::string(field) : std::string(field);
}

std::string_view unneutralise_formula(std::string_view field) {
  if (field.size() >= 2 && field.front() == '\'' && formula_start(field.substr(1))) field.remove_prefix(1);
  return field;
}

void Writer::row(const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out_ << delim_;
    out_ << quote(raw_ ? fields[i] : neutralise_formula(fields[i]), delim_);
  }
  out_ << '\n';
}

}  // namespace maillage::csv
