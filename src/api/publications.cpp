// The printed documents over HTTP: the bottin and the panorama as PDF, made by the same library as
// `maillage publish`, one at a time (a Chromium each), kept in the cache by registry revision and date.
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <unistd.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "publish/publish.hpp"

namespace maillage::api::publications_api {

namespace {

std::mutex print_mu;  // one Chromium at a time: its memory stays bounded whatever the requests

std::string printed(const std::string& html) {
  std::lock_guard l(print_mu);
  auto path = std::filesystem::temp_directory_path() / fmt::format("maillage-api-{}.pdf", ::getpid());
  try {
    publish::print_pdf(html, path.string());
  } catch (const Error& e) {  // no Chromium on this server, or it failed: the service itself is fine
    Error a(Errc::unavailable, std::string("the document cannot be printed now: ") + e.what());
    a.retry_after = 60;
    throw a;
  }
  auto pdf = io::read_file(path.string(), size_t{256} << 20);
  std::filesystem::remove(path);
  return pdf;
}

Response pdf(std::shared_ptr<const std::string> body, const std::string& filename) {
  Response r{200, "application/pdf", *body, filename};
  return r;
}

}  // namespace

Response bottin(const Call& c) {
  auto d = q_date(c.r);
  auto rev = c.s.revision();
  auto body = cached(c.s, fmt::format("bottin|{}|{}", rev, d), [&] {
    publish::BottinData data;
    {
      StoreLease l(c.s);
      data = publish::gather_bottin(*c.s.store, d);
    }
    return printed(publish::bottin_html(data));
  });
  return pdf(body, fmt::format("bottin-tiers-lieux-{}.pdf", d));
}

Response panorama(const Call& c) {
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 180);
  auto rev = c.s.revision();
  auto body = cached(c.s, fmt::format("panorama|{}|{}|{}", rev, d, t), [&] {
    auto places = open_places(c.s, d);
    std::string html;
    {
      std::lock_guard e(c.s.engine_mu);
      c.s.engine->compute(places);
      c.s.engine_key.clear();  // the indicators' history recomputes the engine for other dates
      StoreLease l(c.s);
      html = publish::panorama_html(publish::gather_panorama(*c.s.store, *c.s.engine, places, d, t, c.s.error_median));
    }
    return printed(html);
  });
  return pdf(body, fmt::format("panorama-tiers-lieux-{}.pdf", d));
}

}  // namespace maillage::api::publications_api
