#pragma once
// A real `maillage serve` process for the HTTP tests: a fresh database and graph from the bundled data in a
// temporary folder, extra command-line options (limits, timeouts), a cpp-httplib client, and its memory.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "helpers.hpp"

extern char** environ;

namespace maillage::test {

// A port nobody listens on now (the kernel's choice for port 0).
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// A response's body as JSON; a request that got no response throws, saying why.
inline nlohmann::json body(const httplib::Result& r) {
  if (!r) throw std::runtime_error("no HTTP response: " + httplib::to_string(r.error()));
  return nlohmann::json::parse(r->body);
}
// The header of a request made with a bearer token.
inline httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class Server {
 public:
  explicit Server(const std::vector<std::string>& extra = {})
      : db_(dir_.database("m.db")), graph_(dir_.file("g.graph")) {
    start(extra);
  }
  // A second server on the same database and graph (several servers on one store, issue #30).
  Server(const Server& same_store, const std::vector<std::string>& extra)
      : db_(same_store.db_), graph_(same_store.graph_) {
    start(extra);
  }
  void start(const std::vector<std::string>& extra) {
    base_ = " --db " + db_ + " --graph " + graph_ + " ";
    run_cli(base_ + "places list --limit 1");  // creates the database and the graph before the server starts
    port_ = free_port();
    std::vector<std::string> args{
        MAILLAGE_BIN,       "--db", db_, "--graph", graph_, "serve", "--port", std::to_string(port_), "--web",
        dir_.file("no-web")};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, dir_.file("server.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);  // not the test runner's pipe
    posix_spawn(&pid_, MAILLAGE_BIN, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(120, 0);  // slow machines and sanitizer builds: the first coverage request computes it
    for (int i = 0; i < 300; ++i) {
      if (auto r = client_->Get("/api/v1/health"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "server did not start: " << slurp(dir_.file("server.log"));
  }
  ~Server() { stop(); }
  int stop() {
    if (pid_ <= 0) return status_;
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = 0;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return status_;
  }
  httplib::Client& http() { return *client_; }
  int port() const { return port_; }
  std::string cli(const std::string& args) { return run_cli(base_ + args).out; }
  // A bearer token made by `maillage tokens create ARGS` ("--role editor --label x"): its secret.
  std::string token(const std::string& create_args) {
    auto out = cli("tokens create " + create_args);
    auto at = out.rfind("mlg_");
    if (at == std::string::npos) throw std::runtime_error("no token made: " + out);
    return out.substr(at, out.find('\n', at) - at);
  }
  std::string log() { return slurp(dir_.file("server.log")); }
  pid_t pid() const { return pid_; }
  // Resident memory of the server process, in MiB (from /proc).
  double rss_mib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return -1;
  }

 private:
  TempDir dir_;
  std::string db_, graph_;
  std::string base_;
  int port_ = 0;
  pid_t pid_ = 0;
  int status_ = -1;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace maillage::test
