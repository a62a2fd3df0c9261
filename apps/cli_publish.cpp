// `maillage publish bottin|panorama -o FILE.pdf`: the Région's printed directory and its panorama in figures and
// charts, printed by headless Chromium from HTML made for print (docs/publish.md).
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "publish/publish.hpp"

namespace maillage::cli {

namespace {

struct PublishArgs {
  std::string out, html, date;
  double threshold = 20;
};

void write(const std::string& html, const PublishArgs& a, const std::string& what) {
  if (!a.html.empty()) {
    std::ofstream f(a.html);
    if (!(f << html)) throw Error(fmt::format("{}: cannot write", a.html));
  }
  if (a.out.empty() && a.html.empty()) throw Error("give -o FILE.pdf (or --html FILE.html)");
  if (!a.out.empty()) {
    publish::print_pdf(html, a.out);
    std::cout << fmt::format("{} written to {}\n", what, a.out);
  }
}

}  // namespace

void add_publish_commands(CLI::App& app, Globals& g) {
  auto* p = app.add_subcommand("publish",
                               "the printed documents: the bottin (directory) and the panorama (figures "
                               "and charts), as PDF");
  p->require_subcommand(1);
  auto a = std::make_shared<PublishArgs>();
  auto common = [a](CLI::App* c) {
    c->add_option("-o,--output", a->out, "the PDF to write");
    c->add_option("--html", a->html, "also write the HTML it prints (to check or restyle)");
    c->add_option("--date", a->date, "the places open on this date (default today)");
  };
  auto* b = p->add_subcommand("bottin",
                              "the printed directory: a chapter per department with its map, one entry per "
                              "open place (types, address, links, services, seats, hours), the index of "
                              "the communes");
  common(b);
  b->callback([&g, a] {
    auto d = a->date.empty() ? date::today() : a->date;
    std::string why;
    if (!date::parse(d, why, false)) throw Error("--date: " + why);
    auto store = open_store(g);
    auto data = publish::gather_bottin(*store, d);
    write(publish::bottin_html(data), *a, fmt::format("bottin ({} places open on {})", data.entries.size(), d));
  });
  auto* pa = p->add_subcommand("panorama",
                               "the panorama in figures and charts: key figures, places by department and "
                               "type, the coverage map, drive times, the per-department table against "
                               "the published counts, the history");
  common(pa);
  pa->add_option("--threshold", a->threshold, "minutes by car (default 20)")->check(CLI::Range(1.0, 180.0));
  pa->callback([&g, a] {
    auto c = open_places_engine(g, a->date);
    auto data = publish::gather_panorama(*c.store, *c.engine, c.places, c.date, a->threshold, c.profile.error_median);
    write(publish::panorama_html(data), *a, fmt::format("panorama ({} places open on {})", data.open.size(), c.date));
  });
}

}  // namespace maillage::cli
