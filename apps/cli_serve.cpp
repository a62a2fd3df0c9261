// `maillage serve`: the JSON API (src/api) and the web application over HTTP (src/server: Boost.Beast). This
// layer only turns HTTP requests into api::Request, adds the security headers, compresses, serves the built web
// files and logs one line per request; SIGTERM or SIGINT stop it cleanly (no new connection, requests in flight
// finish). `maillage tokens create|list|revoke`: bearer tokens for writes.
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "api/service.hpp"
#include "api/tokens.hpp"
#include "mail/deliverer.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "server/http_server.hpp"

namespace maillage::cli {

namespace {

struct StaticFile {
  std::string body, gz, type;
};

// Sent with every answer. The page's scripts and styles come from this server only (no inline script, no eval);
// images may also be data: URLs (the drive-time layer, Leaflet's icons) and https tiles (the optional tile URL).
const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> h{
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Permissions-Policy", "geolocation=(), camera=(), microphone=(), payment=()"},
  };
  return h;
}

bool accepts_gzip(const server::Request& req) {
  return req.header("accept-encoding").find("gzip") != std::string::npos;
}

// The errors the server answers itself, through the same catalogue as the API's (an exception that escaped a
// handler is logged with an id and answered 500 without its text).
server::Response json_error(Errc code, const std::string& detail) {
  api::Request none;
  auto out = code == Errc::internal ? api::internal_error(std::runtime_error(detail), none)
                                    : api::error_response(Error(code, detail));
  server::Response r;
  r.status = out.status;
  r.body = std::move(out.body);
  r.headers = security_headers();
  for (auto& h : out.headers) r.headers.push_back(h);
  return r;
}

// Bodies over a packet are gzip-compressed when the client accepts it (fast levels for the big ones: the 21 MB
// of coverage cells compress in about 0.1 s at level 1).
void compress(const server::Request& req, server::Response& res) {
  if (res.body.size() <= 1400 || !accepts_gzip(req)) return;
  res.body = io::gzip(res.body, res.body.size() > (1 << 20) ? 1 : 6);
  res.headers.emplace_back("Content-Encoding", "gzip");
  res.headers.emplace_back("Vary", "Accept-Encoding");
}

std::string default_web_dir() {
  if (const char* e = std::getenv("MAILLAGE_WEB")) return e;
  return std::string(MAILLAGE_SOURCE_DIR) + "/web/dist";
}

// The built files, read and compressed once.
std::map<std::string, StaticFile> load_web(const std::string& web_dir) {
  std::map<std::string, StaticFile> files;
  if (!std::filesystem::exists(web_dir + "/index.html")) return files;
  for (auto& e : std::filesystem::directory_iterator(web_dir)) {
    if (!e.is_regular_file()) continue;
    auto name = e.path().filename().string(), ext = e.path().extension().string();
    std::string type = ext == ".html"   ? "text/html; charset=utf-8"
                       : ext == ".js"   ? "application/javascript; charset=utf-8"
                       : ext == ".css"  ? "text/css; charset=utf-8"
                       : ext == ".svg"  ? "image/svg+xml"
                       : ext == ".png"  ? "image/png"
                       : ext == ".json" ? "application/json; charset=utf-8"
                                        : "application/octet-stream";
    auto body = io::read_file(e.path().string());
    files["/" + name] = {body, io::gzip(body, 9), type};
  }
  return files;
}

// Lets the process hold as many sockets as the system allows (the soft limit is often 1,024), and keeps the
// connection limit under it.
size_t raise_file_limit(size_t wanted_connections) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted_connections;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  size_t usable = rl.rlim_cur > 128 ? static_cast<size_t>(rl.rlim_cur) - 64 : 64;
  return std::min(wanted_connections, usable);
}

struct ServeArgs {
  std::string host = "127.0.0.1", web = default_web_dir();
  int port = 8080, threads = 0, heavy_threads = 0, head_timeout_s = 10;
  size_t heavy_queue = 16;
  size_t max_connections = 10000, max_per_address = 2000, cache_mb = 256;
  double mail_interval_s = 10, mail_retry_s = 60;
  bool behind_proxy = false;
  int contributions_per_hour = 10;
  int registrations_per_hour = 60;
  int max_body_mb = 1;
};

// The client's address: the connection's, or behind a reverse proxy on this machine the last address of
// X-Forwarded-For (the one the proxy saw; earlier ones are whatever the client wrote).
std::string client_address(const server::Request& req, bool behind_proxy) {
  if (!behind_proxy || (req.remote != "127.0.0.1" && req.remote != "::1")) return req.remote;
  auto xff = req.header("x-forwarded-for");
  if (xff.empty()) return req.remote;
  auto last = xff.substr(xff.rfind(',') == std::string::npos ? 0 : xff.rfind(',') + 1);
  auto a = std::string(text::trim(last));
  return a.empty() || a.size() > 45 || a.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos ? req.remote
                                                                                                            : a;
}

// An API request: through the service, with the route the lane choice matched, then the headers of every answer.
server::Response api_answer(api::Service& service, const server::Request& req, bool behind) {
  api::Request r;
  r.method = req.method;
  r.path = req.path.substr(7);
  r.query = req.query;
  r.body = req.body;
  r.authorization = req.header("authorization");
  r.cookie = req.header("cookie");
  r.csrf = req.header("x-csrf-token");
  r.origin = req.header("origin");
  r.host = req.header("host");
  r.address = client_address(req, behind);
  r.user_agent = req.header("user-agent");
  auto out = service.handle(r, std::any_cast<api::Match>(&req.context));
  server::Response res;
  res.status = out.status;
  // Text says its encoding; a PDF is bytes.
  bool text = out.content_type.find("charset") == std::string::npos && out.content_type != "application/pdf";
  res.content_type = text ? out.content_type + "; charset=utf-8" : out.content_type;
  res.body = std::move(out.body);
  res.headers = security_headers();
  res.headers.emplace_back("Cache-Control", "no-store");
  for (auto& h : out.headers) res.headers.push_back(h);
  if (!out.filename.empty())
    res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + out.filename + "\"");
  compress(req, res);
  return res;
}

// A file of the built web application (index.html for /), compressed when the client accepts it.
server::Response static_answer(const std::map<std::string, StaticFile>& files, const server::Request& req) {
  if (req.method != "GET")
    return json_error(Errc::method_not_allowed,
                      fmt::format("{} is not allowed on {}", req.method, text::printable(req.path, 80)));
  if (files.empty() && req.path == "/") {
    server::Response res;
    res.content_type = "text/plain; charset=utf-8";
    res.body =
        "The web application is not built (no index.html): run scripts/build_web.sh. "
        "The API is at /api/v1/health.\n";
    res.headers = security_headers();
    return res;
  }
  auto it = files.find(req.path == "/" ? "/index.html" : req.path);
  if (it == files.end()) return json_error(Errc::not_found, "no such page: " + text::printable(req.path, 80));
  server::Response res;
  res.content_type = it->second.type;
  res.headers = security_headers();
  res.headers.emplace_back("Cache-Control", "no-cache");
  if (accepts_gzip(req)) {
    res.body = it->second.gz;
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.headers.emplace_back("Vary", "Accept-Encoding");
  } else {
    res.body = it->second.body;
  }
  return res;
}

void serve(const Globals& g, const ServeArgs& a) {
  auto graph = open_graph(g);
  auto profile = graph_profile(graph);
  std::string label = graph_path(g) + " (" + graph.source + ")";
  { auto store = open_store(g); }  // creates the database from the bundled data when missing
  api::Limits limits;
  limits.cache_bytes = a.cache_mb << 20;
  limits.max_body_bytes = static_cast<size_t>(a.max_body_mb) << 20;
  unsigned hw = std::max(2u, std::thread::hardware_concurrency());
  const int light_workers = a.threads > 0 ? a.threads : static_cast<int>(std::max(4u, 2 * hw));
  const int heavy_workers = a.heavy_threads > 0 ? a.heavy_threads : static_cast<int>(std::max(1u, hw / 2));
  limits.store_connections = light_workers + heavy_workers;  // a worker holds one at a time: none ever waits
  api::AuthOptions auth;
  auth.mail = mail::Config::from_env();
  auth.secure_cookies = auth.mail.public_url.starts_with("https://");
  auth.contributions_per_address_hour = a.contributions_per_hour;
  auth.registrations_per_address_hour = a.registrations_per_hour;
  api::Service service(db_path(g), std::move(graph), profile, label, limits, auth);
  auto files = load_web(a.web);
  mail::RetryPolicy retry;
  retry.first_delay_s = static_cast<int64_t>(a.mail_retry_s);
  mail::Deliverer deliverer(db_path(g), auth.mail, retry,
                            std::chrono::milliseconds(static_cast<int64_t>(a.mail_interval_s * 1000)),
                            [](const std::string& line) { std::cerr << date::now_utc() << ' ' << line << '\n'; });
  service.on_mail([&deliverer] { deliverer.wake(); });
  deliverer.wake();  // what waited in the outbox while the server was down

  server::Options o;
  o.host = a.host;
  o.port = a.port;
  o.light_workers = light_workers;
  o.heavy_workers = heavy_workers;
  o.heavy_queue = a.heavy_queue;
  o.max_body_bytes = service.limits().max_body_bytes;
  o.head_timeout = std::chrono::seconds(a.head_timeout_s);
  o.max_connections = raise_file_limit(a.max_connections);
  o.max_connections_per_address = a.max_per_address;

  server::Handlers h;
  // The request is matched once, here; the match travels with it to the handler.
  h.lane = [](server::Request& req) {
    if (!req.path.starts_with("/api/v1/")) return server::Lane::Light;
    auto m = api::Service::route(req.method, req.path.substr(7));
    bool heavy = m.route && m.route->cost == api::Cost::Heavy;
    req.context = std::move(m);
    return heavy ? server::Lane::Heavy : server::Lane::Light;
  };
  h.error = json_error;
  h.handle = [&service, &files, behind = a.behind_proxy](const server::Request& req) {
    if (req.path.starts_with("/api/v1/") || req.path == "/api/v1") return api_answer(service, req, behind);
    return static_answer(files, req);
  };
  h.log = [](const server::Request& req, int status, double ms) {
    std::cerr << fmt::format("{} {} {} {} {} {:.1f}ms\n", date::now_utc(), req.remote, req.method,
                             text::printable(req.target, 300), status, ms);
  };

  server::Server http(o, h);
  http.bind();
  std::cerr << fmt::format("maillage: serving http://{}:{}/ (API: /api/v1, web: {}); Ctrl-C or SIGTERM stops\n",
                           a.host == "0.0.0.0" ? "localhost" : a.host, a.port, files.empty() ? "not built" : a.web);
  std::cerr << fmt::format("maillage: mail {}, links to {}{}\n",
                           auth.mail.smtp_url.empty() ? "waits in the outbox (no MAILLAGE_SMTP_URL)"
                                                      : "goes out through " + auth.mail.smtp_url,
                           auth.mail.public_url, auth.secure_cookies ? " (secure cookies)" : "");
  std::cerr << fmt::format(
      "maillage: {} light and {} heavy workers, at most {} connections ({} per address), "
      "request heads within {} s\n",
      o.light_workers, o.heavy_workers, o.max_connections, o.max_connections_per_address, a.head_timeout_s);
  http.run(
      [](int sig) { std::cerr << fmt::format("maillage: signal {} received, finishing requests in flight\n", sig); });
  std::cerr << "maillage: stopped\n";
}
}  // namespace

namespace {
// Bearer tokens: create, list, revoke.
void add_tokens_commands(CLI::App& app, Globals& g) {
  auto* t = app.add_subcommand("tokens", "bearer tokens for the API's writes (stored hashed, revocable)");
  t->require_subcommand(1);
  auto role = std::make_shared<std::string>("editor");
  auto label = std::make_shared<std::string>();
  auto subject = std::make_shared<std::string>();
  auto* c = t->add_subcommand("create", "create a token and print it (it cannot be shown again)");
  c->add_option("--role", *role,
                "admin, editor (the registry), manager (one place's bookings) or member (one's own "
                "bookings); default editor")
      ->check(CLI::IsMember({"admin", "editor", "manager", "member"}));
  c->add_option("--label", *label, "who or what holds it");
  auto* for_place = c->add_option("--place", *subject, "manager: the place id");
  c->add_option("--member", *subject, "member: the member id")->excludes(for_place);
  auto expires = std::make_shared<std::string>();
  c->add_option("--expires", *expires, "last day the token works (YYYY-MM-DD, UTC); default: until revoked");
  c->callback([&g, role, label, subject, expires] {
    auto store = open_store(g);
    api::Token tk;
    const char* user = std::getenv("USER");
    auto secret = api::create_token(store->db(), *role, *label, &tk, *subject, *expires,
                                    std::string("cli:") + (user ? user : "unknown"));
    std::cerr << fmt::format("token {} ({}, {}) created; give it to its holder, it is stored only as a hash:\n", tk.id,
                             tk.role, tk.label.empty() ? "no label" : tk.label);
    std::cout << secret << '\n';
  });
  t->add_subcommand("list", "list tokens (never their secrets)")->callback([&g] {
    auto store = open_store(g);
    for (auto& tk : api::list_tokens(store->db()))
      std::cout << fmt::format("{:>4}  {:<7} {:<24} created {}{}{}{}\n", tk.id, tk.role, tk.label, tk.created_at,
                               tk.subject.empty() ? "" : "  for " + tk.subject,
                               tk.expires_at.empty() ? "" : "  expires " + tk.expires_at,
                               tk.revoked_at.empty() ? "" : "  revoked " + tk.revoked_at);
  });
  auto id = std::make_shared<int64_t>(0);
  auto* rv = t->add_subcommand("revoke", "revoke a token");
  rv->add_option("ID", *id, "token id (see tokens list)")->required();
  rv->callback([&g, id] {
    auto store = open_store(g);
    api::revoke_token(store->db(), *id);
    std::cout << fmt::format("token {} revoked\n", *id);
  });
}
}  // namespace

void add_serve_commands(CLI::App& app, Globals& g) {
  auto a = std::make_shared<ServeArgs>();
  auto* s = app.add_subcommand("serve", "serve the JSON API (/api/v1) and the web application");
  s->add_option("--host", a->host, "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)");
  s->add_option("--port", a->port, "port (default 8080)")->check(CLI::Range(1, 65535));
  s->add_option("--web", a->web, "directory of the built web application (default web/dist, or $MAILLAGE_WEB)");
  s->add_option("--threads", a->threads, "workers for light requests (default: 2 per core, at least 4)")
      ->check(CLI::Range(0, 256));
  s->add_option("--heavy-threads", a->heavy_threads,
                "workers for costly requests: coverage, indicators, planning, exports (default: half the cores)")
      ->check(CLI::Range(0, 64));
  s->add_option("--heavy-queue", a->heavy_queue,
                "costly requests waiting for a worker before the next ones get 503 with Retry-After (default 16)")
      ->check(CLI::Range(0, 10000));
  s->add_option("--max-connections", a->max_connections, "connections open at once (default 10000)")
      ->check(CLI::Range(16, 1000000));
  s->add_option("--max-connections-per-address", a->max_per_address,
                "connections from one address (default 2000; 0: no limit, e.g. behind a reverse proxy)");
  s->add_option("--head-timeout", a->head_timeout_s,
                "seconds a client has to send a request's head, and to start the next one on a kept-alive "
                "connection (default 10)")
      ->check(CLI::Range(1, 600));
  s->add_option("--mail-interval", a->mail_interval_s,
                "seconds between two looks at the mail outbox (default 10; a request that queues mail wakes it)")
      ->check(CLI::Range(0.05, 3600.0));
  s->add_option("--mail-retry", a->mail_retry_s,
                "seconds before the first new attempt at a message the SMTP server refused, doubled each time up to "
                "6 hours (default 60)")
      ->check(CLI::Range(0.1, 86400.0));
  s->add_flag("--behind-proxy", a->behind_proxy,
              "a reverse proxy on this machine forwards the requests: the client's address (for the brakes on "
              "failed sign-ins, the audit log) is the last of X-Forwarded-For");
  s->add_option("--max-body-mb", a->max_body_mb,
                "largest request body, MiB (default 1; the resources' uploads need up to 20; every connection may "
                "hold one while it is read)")
      ->check(CLI::Range(1, 20));
  s->add_option("--contributions-per-hour", a->contributions_per_hour,
                "anonymous proposals to the directory accepted per client address and hour (default 10; counted in the "
                "database: shared by every server on it)")
      ->check(CLI::Range(1, 100000));
  s->add_option("--registrations-per-hour", a->registrations_per_hour,
                "public event registrations accepted per client address and hour (default 60: an office behind one "
                "address registers several people; shared by every server on the database)")
      ->check(CLI::Range(1, 100000));
  s->add_option("--cache-mb", a->cache_mb, "memory for computed answers, MiB (default 256)")
      ->check(CLI::Range(1, 65536));
  s->footer(
      "Mail and links (environment, read in one place): MAILLAGE_SMTP_URL, MAILLAGE_MAIL_FROM, "
      "MAILLAGE_SMTP_USER, MAILLAGE_SMTP_PASSWORD_FILE, MAILLAGE_SMTP_TLS, MAILLAGE_PUBLIC_URL (an https:// "
      "address makes the session cookie Secure). See `maillage mail --help` and docs/accounts.md.");
  s->callback([&g, a] { serve(g, *a); });
  add_tokens_commands(app, g);
}

}  // namespace maillage::cli
