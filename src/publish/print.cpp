// Printing to PDF with headless Chromium: a fresh profile folder, no network, a time limit, the process group
// killed when it is exceeded.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/io.hpp"
#include "publish/publish.hpp"

extern char** environ;

namespace maillage::publish {

namespace fs = std::filesystem;

std::string find_chromium() {
  if (const char* e = std::getenv("MAILLAGE_CHROMIUM"); e && *e) {
    if (::access(e, X_OK) != 0) throw Error(fmt::format("MAILLAGE_CHROMIUM={}: not an executable", e));
    return e;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (auto* name : {"chromium", "chromium-browser", "google-chrome"}) {
    size_t start = 0;
    while (start <= dirs.size()) {
      auto end = dirs.find(':', start);
      auto dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
      auto candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  throw Error("no Chromium to print with: install Debian's chromium (scripts/setup.sh) or set MAILLAGE_CHROMIUM");
}

void print_pdf(const std::string& html, const std::string& pdf_path, int timeout_s) {
  auto chromium = find_chromium();
  auto work = fs::temp_directory_path() / fmt::format("maillage-print-{}-{}", ::getpid(),
                                                      std::chrono::steady_clock::now().time_since_epoch().count());
  fs::create_directories(work);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};
  auto page = work / "document.html";
  std::ofstream(page) << html;
  auto out = fs::absolute(pdf_path);
  auto tmp_pdf = work / "document.pdf";
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--disable-background-networking",
                                   "--disable-sync",
                                   "--disable-dev-shm-usage",
                                   "--proxy-server=127.0.0.1:9",  // nothing to fetch: the page holds everything
                                   "--user-data-dir=" + (work / "profile").string(),
                                   "--no-pdf-header-footer",
                                   "--run-all-compositor-stages-before-draw",
                                   "--print-to-pdf=" + tmp_pdf.string(),
                                   "file://" + page.string()};
  if (::geteuid() == 0) args.insert(args.begin() + 1, "--no-sandbox");  // Chromium refuses root with its sandbox
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto log = (work / "chromium.log").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, chromium.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error(fmt::format("cannot start {}: {}", chromium, std::strerror(rc)));
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  while (true) {
    auto r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > until) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw Error(fmt::format("Chromium did not print within {} s", timeout_s));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);  // helpers it may have left behind
  std::error_code ec;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(tmp_pdf) || fs::file_size(tmp_pdf, ec) == 0) {
    std::string words;
    try {
      words = io::read_file(log, 1 << 20);
    } catch (const std::exception&) {}
    if (words.size() > 2000) words = words.substr(words.size() - 2000);
    throw Error(fmt::format("Chromium could not print the document (exit {}): {}",
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1, words));
  }
  fs::copy_file(tmp_pdf, out, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error(fmt::format("{}: cannot write: {}", out.string(), ec.message()));
}

}  // namespace maillage::publish
