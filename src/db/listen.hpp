#pragma once
// Notifications of a PostgreSQL channel (LISTEN/NOTIFY) on a connection of their own, read by a thread of their
// own (issue #30): how a server learns at once that another changed the registry, instead of reading the revision
// at every request. `on_event` is called from that thread: Connected (listening from now on: anything may have
// changed before), Notified (a transaction that notified the channel committed), Lost (the connection broke: until
// the next Connected, nothing is heard). A lost connection is opened again every second. PostgreSQL only (SQLite
// has no such thing: its readers read what they need each time, which costs microseconds there).
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace maillage::db {

class Listener {
 public:
  enum class Event { Connected, Notified, Lost };
  Listener(std::string url, std::string channel, std::function<void(Event)> on_event);
  ~Listener();  // stops the thread (within half a second)
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

 private:
  void run();
  std::string url_, channel_;
  std::function<void(Event)> on_event_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace maillage::db
