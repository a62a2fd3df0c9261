#include "api/cache.hpp"

namespace maillage::api {

std::shared_ptr<const std::string> BodyCache::get(const std::string& key) {
  std::lock_guard l(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void BodyCache::put(const std::string& key, std::shared_ptr<const std::string> body) {
  Entry e{key, std::move(body)};
  if (cost(e) > budget_ / 4) return;
  std::lock_guard l(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= cost(*it->second);
    lru_.erase(it->second);
    index_.erase(it);
  }
  bytes_ += cost(e);
  lru_.push_front(std::move(e));
  index_[key] = lru_.begin();
  while (bytes_ > budget_ && !lru_.empty()) {
    bytes_ -= cost(lru_.back());
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

size_t BodyCache::bytes() const {
  std::lock_guard l(mu_);
  return bytes_;
}

size_t BodyCache::entries() const {
  std::lock_guard l(mu_);
  return lru_.size();
}

}  // namespace maillage::api
