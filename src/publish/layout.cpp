#include "publish/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/text.hpp"

namespace maillage::publish {

namespace {

const char* kNbsp = "\u00A0";
const char* kNarrow = "\u202F";

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

std::string fr_time(const std::string& hhmm) {
  if (hhmm.size() != 5) return hhmm;
  int h = std::stoi(hhmm.substr(0, 2));
  auto m = hhmm.substr(3, 2);
  return m == "00" ? fmt::format("{}{}h", h, kNbsp) : fmt::format("{}{}h{}{}", h, kNbsp, kNbsp, m);
}

const char* kDays[] = {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."};

}  // namespace

std::string esc(std::string_view text) { return text::escape_html(text); }

std::string fr(std::string_view text) {
  std::string s(text);
  replace_all(s, "'", "\u2019");
  for (auto p : {" ;", " !", " ?"}) replace_all(s, p, std::string(kNarrow) + p[1]);
  replace_all(s, " :", std::string(kNbsp) + ":");
  replace_all(s, "« ", std::string("«") + kNbsp);
  replace_all(s, " »", std::string(kNbsp) + "»");
  replace_all(s, "n° ", std::string("n°") + kNbsp);
  return esc(s);
}

std::string fr_int(double v) {
  if (!std::isfinite(v)) return "–";
  auto n = static_cast<long long>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += kNarrow;
    out += digits[i];
  }
  if (n < 0) out.insert(0, "\u2212");
  return out;
}

std::string fr_dec(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  auto s = fmt::format("{:.{}f}", std::abs(v), decimals);
  auto dot = s.find('.');
  // The whole part as rounded by the formatting (9.96 -> "10.0").
  std::string out = v < 0 && std::stod(s) != 0 ? std::string("\u2212") : std::string();
  out += fr_int(std::stod(s.substr(0, dot)));
  if (dot != std::string::npos) out.append(",").append(s, dot + 1);
  return out;
}

std::string fr_pct(double share, int decimals) { return fr_dec(100 * share, decimals) + kNarrow + "%"; }

std::string fr_date(std::string_view iso) {
  static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                 "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  if (iso.size() < 7) return std::string(iso);
  int m = std::atoi(std::string(iso.substr(5, 2)).c_str());
  if (m < 1 || m > 12) return std::string(iso);
  std::string month_year = fmt::format("{}{}{}", months[m - 1], kNbsp, iso.substr(0, 4));
  if (iso.size() < 10) return month_year;
  int d = std::atoi(std::string(iso.substr(8, 2)).c_str());
  return fmt::format("{}{}{}", d == 1 ? "1er" : std::to_string(d), kNbsp, month_year);
}

std::string fr_hours(const std::vector<std::vector<booking::Interval>>& week) {
  std::vector<std::string> day_text(7);
  for (size_t d = 0; d < week.size() && d < 7; ++d) {
    std::vector<std::string> parts;
    for (auto& i : week[d]) parts.push_back(fr_time(i.opens) + kNbsp + "–" + kNbsp + fr_time(i.closes));
    for (size_t k = 0; k < parts.size(); ++k) day_text[d] += (k ? ", " : "") + parts[k];
  }
  std::vector<std::string> groups;
  for (int d = 0; d < 7;) {
    if (day_text[d].empty()) {
      ++d;
      continue;
    }
    int e = d;
    while (e + 1 < 7 && day_text[e + 1] == day_text[d]) ++e;
    std::string days = e == d       ? kDays[d]
                       : e == d + 1 ? fmt::format("{}, {}", kDays[d], kDays[e])
                                    : fmt::format("{}–{}", kDays[d], kDays[e]);
    groups.push_back(days + kNbsp + ": " + day_text[d]);
    d = e + 1;
  }
  std::string out;
  for (size_t k = 0; k < groups.size(); ++k) out += (k ? std::string(kNarrow) + "; " : "") + groups[k];
  return out;
}

SvgMap::SvgMap(const std::vector<std::vector<geo::XY>>& extent, double width, double height, double margin)
    : width_(width), height_(height), margin_(margin) {
  double minx = std::numeric_limits<double>::max(), miny = minx, maxx = -minx, maxy = -minx;
  for (auto& r : extent)
    for (auto& p : r)
      minx = std::min(minx, p.x), maxx = std::max(maxx, p.x), miny = std::min(miny, p.y), maxy = std::max(maxy, p.y);
  if (minx > maxx) minx = 0, maxx = 1, miny = 0, maxy = 1;
  scale_ =
      std::min((width - 2 * margin) / std::max(maxx - minx, 1.0), (height - 2 * margin) / std::max(maxy - miny, 1.0));
  // Centred.
  minx_ = minx - ((width - 2 * margin) / scale_ - (maxx - minx)) / 2;
  miny_ = miny - ((height - 2 * margin) / scale_ - (maxy - miny)) / 2;
}

geo::XY SvgMap::px(geo::XY p) const {
  return {margin_ + (p.x - minx_) * scale_, height_ - margin_ - (p.y - miny_) * scale_};
}

void SvgMap::shapes(const std::vector<std::vector<geo::XY>>& rings, const std::string& css_class) {
  std::string d;
  for (auto& r : rings) {
    for (size_t i = 0; i < r.size(); ++i) {
      auto q = px(r[i]);
      d += fmt::format("{}{:.1f} {:.1f}", i ? "L" : "M", q.x, q.y);
    }
    d += "Z";
  }
  if (!d.empty()) body_ += fmt::format(R"(<path class="{}" fill-rule="evenodd" d="{}"/>)", esc(css_class), d);
}

void SvgMap::dot(geo::LonLat at, double radius, const std::string& css_class, const std::string& label) {
  static const geo::Projection l93("EPSG:2154");
  auto q = px(l93.forward(at));
  body_ += fmt::format(R"(<circle class="{}" cx="{:.1f}" cy="{:.1f}" r="{:.1f}"/>)", esc(css_class), q.x, q.y, radius);
  if (!label.empty())
    body_ +=
        fmt::format(R"(<text class="label" x="{:.1f}" y="{:.1f}">{}</text>)", q.x + radius + 1.5, q.y + 3, esc(label));
}

std::string SvgMap::finish(const std::string& title) {
  // A scale bar of about a fifth of the width.
  double target_m = width_ / 5 / scale_, km = 1;
  for (double c : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0})
    if (c * 1000 <= target_m) km = c;
  double len = km * 1000 * scale_, x = margin_, y = height_ - margin_ / 2 - 2;
  auto bar =
      fmt::format(R"(<g class="scale"><path d="M{:.1f} {:.1f}h{:.1f}"/><text x="{:.1f}" y="{:.1f}">{}{}km</text></g>)",
                  x, y, len, x + len + 3, y + 3, fmt::format("{:g}", km), kNbsp);
  return fmt::format(
      R"(<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" role="img" aria-label="{}">{}{}</svg>)",
      width_, height_, esc(title), body_, bar);
}

std::string bar_chart(const std::vector<std::pair<std::string, double>>& bars, const std::vector<std::string>& texts,
                      const std::string& title, double width) {
  const double row = 17, label_w = 150, text_w = 70;
  double max = 0;
  for (auto& [l, v] : bars) max = std::max(max, v);
  double area = width - label_w - text_w, height = row * bars.size() + 4;
  std::string body;
  for (size_t i = 0; i < bars.size(); ++i) {
    double y = 2 + i * row, w = max > 0 ? area * bars[i].second / max : 0;
    body += fmt::format(R"(<text class="axis" x="{:.0f}" y="{:.1f}" text-anchor="end">{}</text>)", label_w - 6, y + 12,
                        fr(bars[i].first));
    body += fmt::format(R"(<rect class="bar" x="{:.0f}" y="{:.1f}" width="{:.1f}" height="{:.0f}"/>)", label_w, y + 2,
                        std::max(w, 0.5), row - 5);
    body += fmt::format(R"(<text class="value" x="{:.1f}" y="{:.1f}">{}</text>)", label_w + w + 4, y + 12,
                        i < texts.size() ? esc(texts[i]) : "");
  }
  return fmt::format(
      R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" role="img" aria-label="{}">{}</svg>)",
      width, height, esc(title), body);
}

std::string line_chart(const std::vector<std::pair<std::string, double>>& points, const std::vector<std::string>& texts,
                       const std::string& title, double width, double height) {
  const double left = 36, right = 14, top = 16, bottom = 22;
  double max = 0;
  for (auto& [l, v] : points) max = std::max(max, v);
  if (max <= 0) max = 1;
  // A round top for the axis.
  double step = std::pow(10, std::floor(std::log10(max / 4)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (step * m * 4 >= max) {
      step *= m;
      break;
    }
  double top_value = step * 4, plot_w = width - left - right, plot_h = height - top - bottom;
  std::string body;
  for (int k = 0; k <= 4; ++k) {
    double y = top + plot_h - plot_h * k / 4;
    body += fmt::format(
        R"(<path class="grid" d="M{:.0f} {:.1f}H{:.0f}"/><text class="axis" x="{:.0f}" y="{:.1f}" text-anchor="end">{}</text>)",
        left, y, width - right, left - 4, y + 3, fr_int(step * k));
  }
  std::string line;
  size_t n = points.size();
  size_t every = std::max<size_t>(1, (n + 9) / 10);  // at most about ten labels on the axis
  for (size_t i = 0; i < n; ++i) {
    double x = left + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2),
           y = top + plot_h - plot_h * points[i].second / top_value;
    line += fmt::format("{}{:.1f} {:.1f}", i ? "L" : "M", x, y);
    body += fmt::format(R"(<circle class="point" cx="{:.1f}" cy="{:.1f}" r="2.2"/>)", x, y);
    if (i % every == 0 || i + 1 == n) {
      body += fmt::format(R"(<text class="axis" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x, height - 6,
                          esc(points[i].first));
      if (i < texts.size())
        body += fmt::format(R"(<text class="value" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x, y - 6,
                            esc(texts[i]));
    }
  }
  return fmt::format(
      R"(<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" role="img" aria-label="{}">{}<path class="line" d="{}"/></svg>)",
      width, height, esc(title), body, line);
}

}  // namespace maillage::publish
