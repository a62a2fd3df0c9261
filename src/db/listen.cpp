#include "db/listen.hpp"

#include <poll.h>

#include <chrono>

#include <libpq-fe.h>

namespace maillage::db {

Listener::Listener(std::string url, std::string channel, std::function<void(Event)> on_event)
    : url_(std::move(url)), channel_(std::move(channel)), on_event_(std::move(on_event)) {
  thread_ = std::thread([this] { run(); });
}

Listener::~Listener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Listener::run() {
  auto pause = [&](int ms) {  // a wait that a stop cuts short
    for (int waited = 0; waited < ms && !stop_; waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  while (!stop_) {
    PGconn* conn = PQconnectdb(url_.c_str());
    bool ok = PQstatus(conn) == CONNECTION_OK;
    if (ok) {
      // The channel is an identifier chosen by the program, quoted all the same.
      char* quoted = PQescapeIdentifier(conn, channel_.c_str(), channel_.size());
      PGresult* r = PQexec(conn, ("LISTEN " + std::string(quoted ? quoted : "\"\"")).c_str());
      PQfreemem(quoted);
      ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
    if (ok) {
      on_event_(Event::Connected);
      pollfd p{PQsocket(conn), POLLIN, 0};
      while (!stop_ && ok) {
        if (poll(&p, 1, 500) <= 0) continue;  // nothing yet (or a signal): look at stop_ again
        if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
          ok = false;
          break;
        }
        bool heard = false;
        while (PGnotify* note = PQnotifies(conn)) {
          heard = true;
          PQfreemem(note);
        }
        if (heard) on_event_(Event::Notified);
      }
      if (!stop_) on_event_(Event::Lost);
    }
    PQfinish(conn);
    if (!stop_) pause(1000);
  }
}

}  // namespace maillage::db
