// `maillage serve`: the JSON API (src/api) and the web application over HTTP (cpp-httplib). This layer only
// turns HTTP requests into api::Request, logs one line per request and serves the built web files; SIGTERM or
// SIGINT stop it cleanly (the listening socket closes, requests in flight finish).
// `maillage tokens create|list|revoke`: bearer tokens for writes.
#include <httplib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "api/service.hpp"
#include "api/tokens.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"

namespace maillage::cli {

namespace {
thread_local std::chrono::steady_clock::time_point request_start;

struct StaticFile {
  std::string body, gz, type;
};

bool accepts_gzip(const httplib::Request& req) {
  return req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

void send_gzipped(httplib::Response& res, const std::string& gz, const std::string& type) {
  res.set_header("Content-Encoding", "gzip");
  res.set_header("Vary", "Accept-Encoding");
  res.set_content(gz, type);
}

// Bodies are gzip-compressed here (fast zlib levels) when the client accepts it. The content types carry a
// charset, which keeps cpp-httplib from compressing them again with brotli at its maximum quality (0.6 MB/s:
// 36 s for the 21 MB of coverage cells). text/* types (the small HTML and CSS) are left to cpp-httplib.
void send(const httplib::Request& req, httplib::Response& res, std::string body, const std::string& type, int level) {
  if (body.size() > 1400 && accepts_gzip(req)) {
    send_gzipped(res, io::gzip(body, level), type);
  } else {
    res.set_content(std::move(body), type);
  }
}

std::string default_web_dir() {
  if (const char* e = std::getenv("MAILLAGE_WEB")) return e;
  return std::string(MAILLAGE_SOURCE_DIR) + "/web/dist";
}

void serve(const Globals& g, const std::string& host, int port, const std::string& web_dir, int threads) {
  auto graph = open_graph(g);
  auto profile = graph_profile(graph);
  std::string label = graph_path(g) + " (" + graph.source + ")";
  { auto store = open_store(g); }  // creates the database from the bundled data when missing
  api::Service service(db_path(g), std::move(graph), profile, label);
  const auto max_body = service.limits().max_body_bytes;

  // SIGTERM/SIGINT are blocked in every thread and taken by one waiting thread that stops the server.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  httplib::Server http;
  if (threads > 0) http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_keep_alive_max_count(100000);
  http.set_tcp_nodelay(true);  // without it, small answers wait for the delayed ACK (44 ms per request)
  http.set_payload_max_length(max_body);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start).count();
    std::cerr << fmt::format("{} {} {} {} {} {:.1f}ms\n", date::now_utc(), req.remote_addr, req.method, req.target,
                             res.status, ms);
  });
  // Errors that httplib answers itself (body too large, bad request line) get the API's JSON shape too.
  http.set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string code = res.status == 413 ? "too_large" : res.status == 404 ? "not_found" : "http_error";
    std::string msg = res.status == 413 ? fmt::format("the body is over {} bytes", max_body)
                                        : fmt::format("HTTP status {}", res.status);
    if (res.status == 404 && !req.path.starts_with("/api/")) msg = "no such page: " + req.path;
    res.set_content(api::error_body(api::ApiError(res.status, code, msg)), "application/json; charset=utf-8");
  });
  auto adapt = [&service](const httplib::Request& req, httplib::Response& res) {
    api::Request r;
    r.method = req.method;
    r.path = req.path.substr(std::string("/api/v1").size());
    for (auto& [k, v] : req.params) r.query[k] = v;  // a repeated parameter keeps its last value
    r.body = req.body;
    r.authorization = req.get_header_value("Authorization");
    auto out = service.handle(r);
    res.status = out.status;
    if (!out.filename.empty()) res.set_header("Content-Disposition", "attachment; filename=\"" + out.filename + "\"");
    res.set_header("Cache-Control", "no-store");
    send(req, res, std::move(out.body), out.content_type + "; charset=utf-8", out.body.size() > (1 << 20) ? 1 : 6);
  };
  const char* api_paths = R"(/api/v1/.*)";
  http.Get(api_paths, adapt);
  http.Post(api_paths, adapt);
  http.Patch(api_paths, adapt);
  http.Put(api_paths, adapt);
  http.Delete(api_paths, adapt);
  bool has_web = std::filesystem::exists(web_dir + "/index.html");
  if (has_web) {
    // The built files, read once and compressed once.
    auto files = std::make_shared<std::map<std::string, StaticFile>>();
    for (auto& e : std::filesystem::directory_iterator(web_dir)) {
      if (!e.is_regular_file()) continue;
      auto name = e.path().filename().string(), ext = e.path().extension().string();
      std::string type = ext == ".html" ? "text/html; charset=utf-8"
                         : ext == ".js" ? "application/javascript; charset=utf-8"
                         : ext == ".css" ? "text/css; charset=utf-8"
                         : ext == ".svg" ? "image/svg+xml"
                         : ext == ".png" ? "image/png"
                         : ext == ".json" ? "application/json; charset=utf-8" : "application/octet-stream";
      auto body = io::read_file(e.path().string());
      (*files)["/" + name] = {body, io::gzip(body, 9), type};
    }
    http.Get(R"(/[^/]*)", [files](const httplib::Request& req, httplib::Response& res) {
      auto it = files->find(req.path == "/" ? "/index.html" : req.path);
      if (it == files->end()) {
        res.status = 404;
        return;
      }
      auto& f = it->second;
      res.set_header("Cache-Control", "no-cache");
      if (accepts_gzip(req) && f.type.find("text/") != 0) {
        send_gzipped(res, f.gz, f.type);
      } else {
        res.set_content(f.body, f.type);
      }
    });
  } else
    http.Get("/", [web_dir](const httplib::Request&, httplib::Response& res) {
      res.set_content(fmt::format("The web application is not built ({} has no index.html): run scripts/build_web.sh. "
                                  "The API is at /api/v1/health.\n", web_dir), "text/plain");
    });

  std::thread stopper([&http, sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    std::cerr << fmt::format("maillage: signal {} received, finishing requests in flight\n", sig);
    http.stop();
  });
  if (!http.bind_to_port(host, port)) {
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    throw Error(fmt::format("cannot listen on {}:{} (in use?)", host, port));
  }
  std::cerr << fmt::format("maillage: serving http://{}:{}/ (API: /api/v1, web: {}); Ctrl-C or SIGTERM stops\n",
                           host == "0.0.0.0" ? "localhost" : host, port, has_web ? web_dir : "not built");
  http.listen_after_bind();
  stopper.join();
  std::cerr << "maillage: stopped\n";
}
}  // namespace

void add_serve_commands(CLI::App& app, Globals& g) {
  struct Args {
    std::string host = "127.0.0.1", web = default_web_dir();
    int port = 8080, threads = 0;
  };
  auto a = std::make_shared<Args>();
  auto* s = app.add_subcommand("serve", "serve the JSON API (/api/v1) and the web application");
  s->add_option("--host", a->host, "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)");
  s->add_option("--port", a->port, "port (default 8080)")->check(CLI::Range(1, 65535));
  s->add_option("--web", a->web, "directory of the built web application (default web/dist, or $MAILLAGE_WEB)");
  s->add_option("--threads", a->threads, "worker threads (default: cpp-httplib's, at least 8)")->check(CLI::Range(0, 256));
  s->callback([&g, a] { serve(g, a->host, a->port, a->web, a->threads); });

  auto* t = app.add_subcommand("tokens", "bearer tokens for the API's writes (stored hashed, revocable)");
  t->require_subcommand(1);
  auto role = std::make_shared<std::string>("editor");
  auto label = std::make_shared<std::string>();
  auto subject = std::make_shared<std::string>();
  auto* c = t->add_subcommand("create", "create a token and print it (it cannot be shown again)");
  c->add_option("--role", *role, "admin, editor (the registry), manager (one place's bookings) or member (one's own "
                                 "bookings); default editor")
      ->check(CLI::IsMember({"admin", "editor", "manager", "member"}));
  c->add_option("--label", *label, "who or what holds it");
  auto* for_place = c->add_option("--place", *subject, "manager: the place id");
  c->add_option("--member", *subject, "member: the member id")->excludes(for_place);
  c->callback([&g, role, label, subject] {
    auto store = open_store(g);
    api::Token tk;
    auto secret = api::create_token(store->db(), *role, *label, &tk, *subject);
    std::cerr << fmt::format("token {} ({}, {}) created; give it to its holder, it is stored only as a hash:\n", tk.id,
                             tk.role, tk.label.empty() ? "no label" : tk.label);
    std::cout << secret << '\n';
  });
  t->add_subcommand("list", "list tokens (never their secrets)")->callback([&g] {
    auto store = open_store(g);
    for (auto& tk : api::list_tokens(store->db()))
      std::cout << fmt::format("{:>4}  {:<7} {:<24} created {}{}{}\n", tk.id, tk.role, tk.label, tk.created_at,
                               tk.subject.empty() ? "" : "  for " + tk.subject,
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

}  // namespace maillage::cli
