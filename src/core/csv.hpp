#pragma once
// CSV reading and writing on top of libcsv (RFC 4180 quoting). Reading keeps, for every row, the line of the
// file where it starts, so that validation errors can say "file:line:column". The delimiter (',', ';' or tab)
// is detected from the header line; a UTF-8 byte-order mark is skipped; gzip-compressed files are read as is.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::csv {

struct Row {
  int line = 0;  // 1-based line of the file where the row starts
  std::vector<std::string> fields;
};

struct Table {
  std::string file;
  char delimiter = ',';
  std::vector<std::string> header;
  std::vector<Row> rows;
  // Index of a header column, or -1.
  int column(std::string_view name) const;
  // Same, ignoring ASCII case (INSEE spells one column Idcar_200m, IdCar_200m or idcar_200m across editions).
  int column_any_case(std::string_view name) const;
};

// Throws InputError (file:line: reason) on malformed quoting, a row whose field count differs from the
// header's, or text that is not UTF-8.
Table parse(std::string_view content, const std::string& file_label);
// At most `max_bytes` once decompressed (io::read_file).
Table read(const std::string& path, size_t max_bytes = size_t{256} << 20);

// Quotes a field when needed (delimiter, quote, CR/LF, leading/trailing space).
std::string quote(std::string_view field, char delimiter = ',');

// A field a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return and is not a
// plain number) gets a leading apostrophe, which spreadsheets show as text; other fields are unchanged.
// `unneutralise` undoes it when such a file is read back.
std::string neutralise_formula(std::string_view field);
std::string_view unneutralise_formula(std::string_view field);

class Writer {
 public:
  // Fields are written spreadsheet-safe (neutralise_formula) unless `raw` is set.
  explicit Writer(std::ostream& out, char delimiter = ',', bool raw = false)
      : out_(out), delim_(delimiter), raw_(raw) {}
  void row(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
  char delim_;
  bool raw_;
};

}  // namespace maillage::csv
