#pragma once
// A real SMTP server for the tests: tests/mail/smtp_sink.py (Debian's python3-aiosmtpd) started by the test on a
// port of its own; each message it receives is parsed by Python's email library and kept as JSON, read here.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers.hpp"

extern char** environ;

namespace maillage::test {

class SmtpSink {
 public:
  explicit SmtpSink(int port) : port_(port) { start(); }
  ~SmtpSink() { stop(); }
  void start() {
    std::string script = std::string(MAILLAGE_TEST_DATA) + "/../mail/smtp_sink.py";
    std::vector<std::string> args{"/usr/bin/python3", script, dir_.file("mail"), std::to_string(port_)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::filesystem::remove(dir_.file("sink.out"));
    posix_spawn_file_actions_addopen(&fa, 1, dir_.file("sink.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, dir_.file("sink.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn(&pid_, "/usr/bin/python3", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 200; ++i) {
      if (slurp(dir_.file("sink.out")).find("ready") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the SMTP sink did not start: " << slurp(dir_.file("sink.err"));
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = 0;
  }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The environment a `maillage serve` started next reads: mail to this sink, links to `public_url`.
  void use_for_servers(const std::string& public_url = "http://maillage.test") const {
    setenv("MAILLAGE_SMTP_URL", url().c_str(), 1);
    setenv("MAILLAGE_SMTP_TLS", "none", 1);
    setenv("MAILLAGE_PUBLIC_URL", public_url.c_str(), 1);
  }
  // Every message received so far, in order.
  std::vector<nlohmann::json> messages() const {
    std::vector<std::string> names;
    if (std::filesystem::exists(dir_.file("mail")))
      for (auto& e : std::filesystem::directory_iterator(dir_.file("mail")))
        if (e.path().filename().string()[0] != '.') names.push_back(e.path().string());
    std::sort(names.begin(), names.end());
    std::vector<nlohmann::json> out;
    for (auto& n : names) out.push_back(nlohmann::json::parse(slurp(n)));
    return out;
  }
  // Waits (up to `seconds`) for a message to `to` whose event is `event`, after the first `skip` such ones.
  nlohmann::json wait_for(const std::string& to, const std::string& event, double seconds = 15, size_t skip = 0) const {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (std::chrono::steady_clock::now() < until) {
      size_t seen = 0;
      for (auto& m : messages())
        if (m["event"] == event && m["to"].size() == 1 && m["to"][0] == to && seen++ == skip) return m;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return nullptr;
  }
  size_t count(const std::string& to) const {
    size_t n = 0;
    for (auto& m : messages()) n += m["to"].size() == 1 && m["to"][0] == to;
    return n;
  }

 private:
  TempDir dir_;
  int port_;
  pid_t pid_ = 0;
};

// The key at the end of a link in a mail's text ("…/#cle/invitation/KEY").
inline std::string link_key(const nlohmann::json& mail) {
  std::smatch m;
  std::string text = mail["text"].get<std::string>();
  if (!std::regex_search(text, m, std::regex("#cle/[a-z]+/([A-Za-z0-9_-]+)"))) return "";
  return m[1];
}

}  // namespace maillage::test
