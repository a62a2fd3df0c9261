#pragma once
// A cache of response bodies bounded in bytes, least recently used out first. Keys are built from parameters
// already parsed and normalised (a threshold as milliseconds, a date as ISO), so that "20", "20.0" and "020"
// share one entry, and keys start with the registry revision, so that a write makes old entries unreachable
// (they age out).
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace maillage::api {

class BodyCache {
 public:
  explicit BodyCache(size_t budget_bytes) : budget_(budget_bytes) {}
  std::shared_ptr<const std::string> get(const std::string& key);
  // Keeps the body unless it alone is over a quarter of the budget; evicts the least recently used first.
  void put(const std::string& key, std::shared_ptr<const std::string> body);
  size_t bytes() const;
  size_t entries() const;
  size_t budget() const { return budget_; }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const std::string>>;
  static size_t cost(const Entry& e) { return e.first.size() + e.second->size() + 96; }
  mutable std::mutex mu_;
  size_t budget_, bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace maillage::api
