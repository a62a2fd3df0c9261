#pragma once
// The page both printed documents share: A4, margins, running head and page numbers (CSS @page margin boxes),
// the typefaces (Lato, else DejaVu Sans: Debian's fonts-lato and fonts-dejavu-core), the colours of the maps
// and charts.
#include <string>

namespace maillage::publish {

// A whole HTML document in French around `body`.
std::string document(const std::string& title, const std::string& running_head, const std::string& body);

}  // namespace maillage::publish
