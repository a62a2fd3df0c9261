#pragma once
// Small text helpers: trimming, splitting, UTF-8 checks and the accent/case folding used for search and
// duplicate detection ("Fablab Pau" == "FABLAB  pau" == "Fablab-Pâu").
#include <string>
#include <string_view>
#include <vector>

namespace maillage::text {

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool is_valid_utf8(std::string_view s);
// Lower case, accents removed (Latin letters used in French), every run of non-alphanumerics -> one space.
std::string fold(std::string_view s);
// Splits a list field on any of the separators, trims items and drops empty ones.
std::vector<std::string> split_list(std::string_view s, std::string_view separators = ";|,");
std::string join(const std::vector<std::string>& items, std::string_view sep);
bool all_digits(std::string_view s);
// Parses a decimal number written with '.' or ',' (French style); false if anything else is there.
bool parse_double(std::string_view s, double& out);
bool parse_int(std::string_view s, long long& out);

}  // namespace maillage::text
