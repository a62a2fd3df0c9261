#include "publish/style.hpp"

#include <fmt/format.h>

#include "publish/layout.hpp"

namespace maillage::publish {

namespace {

// Plain CSS for print; the colours are those of the web application.
constexpr const char* kCss = R"css(
@page {
  size: A4;
  margin: 17mm 15mm 18mm 15mm;
  @top-right { content: "@@HEAD@@"; font: 7.5pt Lato, "DejaVu Sans", sans-serif; color: #6b7280; }
  @bottom-center { content: counter(page); font: 8pt Lato, "DejaVu Sans", sans-serif; color: #374151; }
}
@page :first { @top-right { content: none; } @bottom-center { content: none; } }
html { font-family: Lato, "DejaVu Sans", sans-serif; font-size: 9pt; line-height: 1.35; color: #1f2937;
       font-kerning: normal; font-variant-numeric: lining-nums; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
h1, h2, h3 { color: #0b5d5e; line-height: 1.15; margin: 0; }
h1 { font-size: 34pt; font-weight: 900; letter-spacing: -0.01em; }
h2 { font-size: 18pt; font-weight: 800; margin-bottom: 3mm; }
h3 { font-size: 10pt; font-weight: 700; color: #111827; }
p { margin: 0 0 1.2mm; }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; font-size: 8pt; color: #0e7c7b; font-weight: 700; }
.cover { height: 255mm; display: flex; flex-direction: column; justify-content: space-between; }
.cover .subtitle { font-size: 14pt; color: #374151; margin-top: 3mm; }
.cover .edition { font-size: 10pt; color: #374151; border-top: 0.6mm solid #0b5d5e; padding-top: 2mm; }
.cover svg.map { width: 100%; max-height: 175mm; }
.contents, .chapter { break-before: page; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th { text-align: left; font-weight: 700; border-bottom: 0.4mm solid #0b5d5e; padding: 1.2mm 2mm; }
td { border-bottom: 0.2mm solid #d1d5db; padding: 1mm 2mm; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 0.4mm solid #0b5d5e; }
tr.alert td { color: #b42318; }
.note { color: #4b5563; font-size: 8pt; margin-top: 3mm; }
.chapter header { border-bottom: 0.6mm solid #0b5d5e; margin-bottom: 3mm; padding-bottom: 1mm; }
.chapter .count { color: #374151; }
figure { margin: 0 0 4mm; }
figure.depmap svg { width: 100%; max-height: 95mm; }
.entries { columns: 2; column-gap: 7mm; }
.entry { break-inside: avoid; position: relative; padding-left: 8mm; margin-bottom: 3.4mm; }
.entry .num { position: absolute; left: 0; top: 0.2mm; font-weight: 800; color: #0b5d5e; font-size: 9pt; }
.entry .types { color: #0e7c7b; font-size: 7.8pt; font-weight: 700; }
.entry .addr { color: #111827; }
.entry .fact, .entry .services, .entry .hours { font-size: 8pt; }
.entry .web { font-size: 7.8pt; color: #1d4ed8; overflow-wrap: anywhere; }
.index ul { columns: 3; column-gap: 6mm; list-style: none; padding: 0; margin: 0; font-size: 8pt; }
.index li { break-inside: avoid; }
.index li span { color: #0b5d5e; font-weight: 700; }
.colophon { break-before: page; font-size: 8.5pt; color: #374151; max-width: 150mm; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; margin: 4mm 0 6mm; }
.figure { border-left: 1mm solid #0b5d5e; padding: 1mm 0 1mm 3mm; }
.figure b { display: block; font-size: 20pt; font-weight: 900; color: #0b5d5e; line-height: 1.1; }
.figure span { font-size: 8pt; color: #374151; }
.chart-block { break-inside: avoid; margin: 0 0 6mm; }
.chart-block h3 { margin-bottom: 1.5mm; }
svg.chart { width: 100%; }
svg text { font-family: Lato, "DejaVu Sans", sans-serif; }
svg .axis { font-size: 9px; fill: #374151; }
svg .value { font-size: 9px; fill: #111827; font-weight: 700; }
svg .bar { fill: #0e7c7b; }
svg .grid { stroke: #e5e7eb; stroke-width: 0.6; }
svg .line { fill: none; stroke: #0b5d5e; stroke-width: 1.8; }
svg .point { fill: #0b5d5e; }
svg.map path.dep { fill: #e8f3f1; stroke: #0b5d5e; stroke-width: 0.7; }
svg.map path.context { fill: #f3f4f6; stroke: #9ca3af; stroke-width: 0.4; }
svg.map path.zone { fill: #f59e0b; fill-opacity: 0.55; stroke: #b45309; stroke-width: 0.3; }
svg.map circle.place { fill: #c2410c; stroke: #ffffff; stroke-width: 0.6; }
svg.map text.label { font-size: 7px; fill: #1f2937; font-weight: 700; }
svg.map .scale path { stroke: #1f2937; stroke-width: 1.2; }
svg.map .scale text { font-size: 7px; fill: #1f2937; }
.legend { font-size: 7.8pt; color: #374151; }
.legend i { display: inline-block; width: 3mm; height: 3mm; border-radius: 50%; vertical-align: -0.4mm; margin: 0 1mm 0 3mm; }
)css";

}  // namespace

std::string document(const std::string& title, const std::string& running_head, const std::string& body) {
  // The running head as a CSS string (quotes and backslashes escaped; no markup can close the style element).
  std::string head;
  for (char c : running_head) {
    if (c == '"' || c == '\\') head += '\\';
    if (c == '<')
      head += "\\3C ";
    else
      head += c;
  }
  std::string css = kCss;
  css.replace(css.find("@@HEAD@@"), 8, head);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head>"
      "<body>{}</body></html>\n",
      fr(title), css, body);
}

}  // namespace maillage::publish
