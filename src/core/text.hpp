#pragma once
// Small text helpers: trimming, splitting, UTF-8 checks and the accent/case folding used for search and
// duplicate detection ("Fablab Pau" == "FABLAB  pau" == "Fablab-Pâu").
#include <string>
#include <string_view>
#include <vector>

namespace maillage::text {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
// Strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Why a text may not be stored or shown ("" when it may): invalid UTF-8, or a control character (C0, DEL, C1);
// `multiline` allows line feed, carriage return and tab. The message never repeats the text itself.
std::string text_problem(std::string_view s, bool multiline = false);
// Throws Error field_invalid (the field named) when text_problem finds something or the text is longer
// than `max` bytes: the one check of free text handed to a library (names, labels, reasons).
void require_clean(std::string_view s, const std::string& field, bool multiline = false, size_t max = 2000);
// The text for a message or a terminal: control characters and invalid bytes as \xNN, cut at `max` bytes.
std::string printable(std::string_view s, size_t max = 200);
// Lower case, accents removed (Latin letters used in French), every run of non-alphanumerics -> one space.
std::string fold(std::string_view s);
// Text for HTML: & < > " ' as entities (mail bodies, printed documents).
std::string escape_html(std::string_view s);
// Splits a list field on any of the separators, trims items and drops empty ones.
std::vector<std::string> split_list(std::string_view s, std::string_view separators = ";|,");
std::string join(const std::vector<std::string>& items, std::string_view sep);
bool all_digits(std::string_view s);
// Parses a decimal number written with '.' or ',' (French style); false if anything else is there, and for
// nan, infinities and numbers too large for a double (1e999): every number read is finite.
bool parse_double(std::string_view s, double& out);
bool parse_int(std::string_view s, long long& out);

}  // namespace maillage::text
