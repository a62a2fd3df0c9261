#include "routing/search.hpp"

#include <algorithm>

namespace maillage::routing {

void RadixHeap::clear() {
  for (auto& b : buckets_) b.clear();
  last_ = 0;
  size_ = 0;
}

void RadixHeap::refill() {
  if (!buckets_[0].empty()) return;
  size_t i = 1;
  while (buckets_[i].empty()) ++i;
  Millis m = buckets_[i][0].key;
  for (auto& it : buckets_[i]) m = std::min(m, it.key);
  last_ = m;
  for (auto& it : buckets_[i]) buckets_[bucket(it.key)].push_back(it);
  buckets_[i].clear();
}

Millis RadixHeap::min_key() {
  refill();
  return buckets_[0].back().key;
}

RadixHeap::Item RadixHeap::pop() {
  refill();
  Item it = buckets_[0].back();
  buckets_[0].pop_back();
  --size_;
  return it;
}

Search::Search(const roads::RoadGraph& g) : g_(g) {
  size_t n = g.node_count();
  dist_.resize(n);
  label_.resize(n);
  parent_.resize(n);
  stamp_.assign(n, 0);
}

void Search::start(const std::vector<Source>& sources, bool track_parents) {
  if (++round_ == 0) {  // wrapped: clear the stamps once every 4 billion queries
    std::fill(stamp_.begin(), stamp_.end(), 0);
    round_ = 1;
  }
  heap_.clear();
  settled_ = 0;
  for (auto& s : sources) {
    if (s.node >= stamp_.size() || s.offset == kInfinity) continue;
    if (stamp_[s.node] == round_ && dist_[s.node] <= s.offset) continue;
    stamp_[s.node] = round_;
    dist_[s.node] = s.offset;
    label_[s.node] = s.label;
    if (track_parents) parent_[s.node] = kInvalid;
  }
  // Push after de-duplication so that each source node enters the heap once, with its best offset.
  for (auto& s : sources)
    if (s.node < stamp_.size() && stamp_[s.node] == round_ && dist_[s.node] == s.offset && label_[s.node] == s.label)
      heap_.push(s.offset, s.node);
}

}  // namespace maillage::routing
