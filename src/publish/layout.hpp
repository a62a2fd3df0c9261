#pragma once
// What the printed documents are made of: text escaped for HTML with French typography, French numbers and
// dates, opening hours in words, and SVG maps and charts drawn from the data (no script: the page is printed as
// it is).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "booking/booking.hpp"
#include "core/geo.hpp"

namespace maillage::publish {

// HTML-escaped text only.
std::string esc(std::string_view text);
// HTML-escaped text with French typography: the typographic apostrophe, a narrow no-break space (U+202F) before
// ; ! ? and a no-break space (U+00A0) before : and inside « », "n° 12" kept on one line.
std::string fr(std::string_view text);
// 12 345 (thin no-break space between thousands), 52,3, "52,3 %", "30 novembre 2026" ("2016" and "2016-03" as
// "2016" and "mars 2016").
std::string fr_int(double v);
std::string fr_dec(double v, int decimals);
std::string fr_pct(double share, int decimals = 1);
std::string fr_date(std::string_view iso);
// "lun.–ven. : 9 h – 12 h 30, 14 h – 18 h ; sam. : 10 h – 12 h" ("" when the place gave no hours).
std::string fr_hours(const std::vector<std::vector<booking::Interval>>& week);

// A map drawn in Lambert-93 (EPSG:2154) into an SVG of the given size (CSS pixels), north up, scale kept.
class SvgMap {
 public:
  // `rings`: the shapes that set the extent (a department, the region).
  SvgMap(const std::vector<std::vector<geo::XY>>& extent, double width, double height, double margin = 6);
  void shapes(const std::vector<std::vector<geo::XY>>& rings, const std::string& css_class);
  void dot(geo::LonLat at, double radius, const std::string& css_class, const std::string& label = {});
  // A scale bar of a round length in the lower left corner.
  std::string finish(const std::string& title);

 private:
  geo::XY px(geo::XY p) const;
  double minx_ = 0, miny_ = 0, scale_ = 1, width_, height_, margin_;
  std::string body_;
};

// Horizontal bars: label, value, the value's text; the longest bar fills the width.
std::string bar_chart(const std::vector<std::pair<std::string, double>>& bars, const std::vector<std::string>& texts,
                      const std::string& title, double width = 480);
// A line over time: (label on the axis, value) and the value's text, with its axis from 0.
std::string line_chart(const std::vector<std::pair<std::string, double>>& points, const std::vector<std::string>& texts,
                       const std::string& title, double width = 480, double height = 200);

}  // namespace maillage::publish
