#include "routing/search.hpp"

#include "core/memory.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <thread>

namespace maillage::routing {

BucketQueue::BucketQueue(Millis max_arc_weight) {
  // The ring spans the longest arc (so that only exceptional arcs overflow), at most 2^16 windows.
  size_t windows = std::min<size_t>((static_cast<size_t>(max_arc_weight) >> kShift) + 2, size_t{1} << 16);
  size_t n = 1;
  while (n < windows) n <<= 1;
  ring_.resize(n);
  mask_ = n - 1;
  bits_.assign((n + 63) / 64, 0);
}

uint64_t BucketQueue::next_nonempty(uint64_t from) const {
  const size_t words = bits_.size();
  size_t w = from >> 6;
  uint64_t word = bits_[w] & (~uint64_t{0} << (from & 63));
  for (size_t k = 0; k <= words; ++k) {
    if (word) {
      uint64_t idx = (static_cast<uint64_t>(w) << 6) + static_cast<uint64_t>(__builtin_ctzll(word));
      return (idx - from) & mask_;
    }
    w = (w + 1) % words;
    word = bits_[w];
  }
  return 0;  // not reached while in_ring_ > 0
}

void BucketQueue::clear() {
  if (in_ring_)
    for (uint32_t b : used_) {
      ring_[b].clear();
      bits_[b >> 6] &= ~(uint64_t{1} << (b & 63));
    }
  used_.clear();
  now_.clear();
  overflow_.clear();
  current_ = 0;
  size_ = in_ring_ = 0;
}

void BucketQueue::advance() {
  while (now_.empty()) {
    // The next window holding entries: the ring's next non-empty bucket, or the overflow's smallest.
    uint64_t next = std::numeric_limits<uint64_t>::max();
    if (in_ring_) next = current_ + 1 + next_nonempty((current_ + 1) & mask_);
    if (!overflow_.empty()) next = std::min<uint64_t>(next, overflow_.min_key() >> kShift);
    current_ = next;
    const uint64_t idx = current_ & mask_;
    if (in_ring_ && (bits_[idx >> 6] >> (idx & 63) & 1)) {
      // Ring entries lie within one ring length after the window they were pushed in: this bucket holds
      // window current_ only.
      auto& b = ring_[idx];
      for (uint64_t x : b) now_.push(static_cast<Millis>(x >> 32), static_cast<NodeId>(x & 0xffffffffu));
      in_ring_ -= b.size();
      b.clear();
      bits_[idx >> 6] &= ~(uint64_t{1} << (idx & 63));
    }
    // Overflow entries whose window has come.
    while (!overflow_.empty() && (overflow_.min_key() >> kShift) <= current_) {
      auto it = overflow_.pop();
      now_.push(it.key, it.node);
    }
  }
}

namespace {
roads::Millis max_weight(const roads::RoadGraph& g) {
  roads::Millis m = 0;
  for (auto& a : g.out) m = std::max(m, a.weight);
  return m;
}
}  // namespace

Search::Search(const roads::RoadGraph& g) : g_(g), max_arc_weight_(max_weight(g)), heap_(max_arc_weight_) {
  size_t n = g.node_count();
  state_.assign(n, {kInfinity, kInvalid});
  parent_.resize(n);
  huge_pages(state_.data(), n * sizeof(NodeState));  // read in random order by every search
  huge_pages(parent_.data(), n * sizeof(uint32_t));
  dirty_.assign((n >> kBlockShift) + 1, 0);
}

void Search::reset_touched() {
  const size_t n = state_.size();
  for (size_t b = 0; b < dirty_.size(); ++b) {
    if (!dirty_[b]) continue;
    dirty_[b] = 0;
    size_t lo = b << kBlockShift, hi = std::min(n, lo + (size_t{1} << kBlockShift));
    std::fill(state_.begin() + lo, state_.begin() + hi, NodeState{kInfinity, kInvalid});
  }
}

void Search::start(const std::vector<Source>& sources, bool track_parents) {
  reset_touched();
  heap_.clear();
  settled_ = 0;
  for (auto& s : sources) {
    if (s.node >= state_.size() || s.offset == kInfinity) continue;
    NodeState& st = state_[s.node];
    if (st.dist <= s.offset) continue;
    dirty_[s.node >> kBlockShift] = 1;
    st = {s.offset, s.label};
    if (track_parents) parent_[s.node] = kInvalid;
  }
  // Push after de-duplication so that each source node enters the heap once, with its best offset.
  for (auto& s : sources)
    if (s.node < state_.size() && s.offset != kInfinity && state_[s.node].dist == s.offset &&
        state_[s.node].label == s.label)
      heap_.push(s.offset, s.node);
}

void Search::run_parallel(const std::vector<Source>& sources, Direction dir, Millis limit) {
  // Reset what the last run touched, then every block counts as touched (a sweep reaches most of them).
  reset_touched();
  std::fill(dirty_.begin(), dirty_.end(), 1);
  const size_t n = state_.size();
  heap_.clear();
  std::vector<Source> sorted;
  for (auto& s : sources)
    if (s.node < n && s.offset != kInfinity) sorted.push_back(s);
  std::sort(sorted.begin(), sorted.end(), [](const Source& a, const Source& b) { return a.node < b.node; });
  // A node state is 8 bytes, read and swapped whole.
  auto pack = [](NodeState st) { return static_cast<uint64_t>(st.dist) << 32 | st.label; };
  static_assert(sizeof(NodeState) == 8 && alignof(NodeState) == 8);
  auto cell = [&](NodeId v) { return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(&state_[v])); };
  // The state in memory is {dist, label} (dist in the low half on x86): kept as such, compared as (dist, label).
  auto load = [&](NodeId v) {
    NodeState st;
    uint64_t raw = cell(v).load(std::memory_order_relaxed);
    std::memcpy(&st, &raw, 8);
    return st;
  };
  auto improve = [&](NodeId v, NodeState want) {  // true when `want` is now the node's state
    auto c = cell(v);
    uint64_t raw = c.load(std::memory_order_relaxed);
    for (;;) {
      NodeState now;
      std::memcpy(&now, &raw, 8);
      if (pack(now) <= pack(want)) return false;
      uint64_t next;
      std::memcpy(&next, &want, 8);
      if (c.compare_exchange_weak(raw, next, std::memory_order_relaxed)) return true;
    }
  };
  const bool fwd = dir == Direction::Forward;
  const uint32_t* first = fwd ? g_.first_out.data() : g_.first_in.data();
  const roads::RoadGraph::Arc* arcs = fwd ? g_.out.data() : g_.in.data();
  std::atomic<size_t> settled{0};
  auto work = [&](size_t lo, size_t hi, BucketQueue& q) {
    for (size_t i = lo; i < hi; ++i)
      if (improve(sorted[i].node, {sorted[i].offset, sorted[i].label})) q.push(sorted[i].offset, sorted[i].node);
    size_t mine = 0;
    while (!q.empty()) {
      auto [d, v] = q.pop();
      if (d > limit) break;
      NodeState sv = load(v);
      if (sv.dist < d) continue;  // stale, or the other thread did better
      ++mine;
      for (uint32_t a = first[v]; a < first[v + 1]; ++a) __builtin_prefetch(&state_[arcs[a].node], 1);
      for (uint32_t a = first[v]; a < first[v + 1]; ++a) {
        NodeId u = arcs[a].node;
        Millis nd = d + arcs[a].weight;
        // On a tie the smaller label wins and spreads, so that every node keeps a neighbour of its label that
        // gives its time (what-if closures walk a place's area that way).
        if (load(u).dist < nd) continue;
        if (improve(u, {nd, sv.label})) q.push(nd, u);
      }
    }
    settled += mine;
  };
  BucketQueue other(max_arc_weight_);
  const size_t half = sorted.size() / 2;
  std::thread t([&] { work(0, half, other); });
  work(half, sorted.size(), heap_);
  t.join();
  settled_ = settled;
}

size_t Search::repair(const std::vector<uint8_t>& withdrawn, const std::vector<Source>& kept,
                      const std::vector<Source>& added, Direction dir, Millis limit, std::vector<NodeId>* changed) {
  heap_.clear();
  settled_ = 0;
  const size_t n = state_.size();
  // 1. Reset the nodes whose label is withdrawn (only blocks a run touched can hold a label).
  std::vector<NodeId> reset;
  for (size_t b = 0; b < dirty_.size(); ++b) {
    if (!dirty_[b]) continue;
    size_t lo = b << kBlockShift, hi = std::min(n, lo + (size_t{1} << kBlockShift));
    for (size_t v = lo; v < hi; ++v) {
      uint32_t l = state_[v].label;
      if (state_[v].dist != kInfinity && l < withdrawn.size() && withdrawn[l]) {
        state_[v] = {kInfinity, kInvalid};
        reset.push_back(static_cast<NodeId>(v));
      }
    }
  }
  // 2. Re-seed them from their neighbours that kept a label: a Backward time at v comes through an arc v -> w
  //    (forward CSR), a Forward one through w -> v (reverse CSR).
  const bool fwd = dir == Direction::Forward;
  const uint32_t* first = fwd ? g_.first_in.data() : g_.first_out.data();
  const roads::RoadGraph::Arc* arcs = fwd ? g_.in.data() : g_.out.data();
  for (NodeId v : reset) {
    NodeState best{kInfinity, kInvalid};
    for (uint32_t a = first[v]; a < first[v + 1]; ++a) {
      const NodeState& w = state_[arcs[a].node];
      if (w.dist == kInfinity || w.dist > limit) continue;  // beyond the limit a time is not final
      Millis d = w.dist + arcs[a].weight;
      if (d < best.dist || (d == best.dist && w.label < best.label)) best = {d, w.label};
    }
    if (best.dist != kInfinity) {
      state_[v] = best;
      heap_.push(best.dist, v);
    }
  }
  // 3. The sources: the remaining ones at reset nodes, and the new ones wherever they improve.
  auto seed = [&](const std::vector<Source>& sources) {
    for (auto& s : sources) {
      if (s.node >= n || s.offset == kInfinity) continue;
      if (s.label < withdrawn.size() && withdrawn[s.label]) continue;
      NodeState& st = state_[s.node];
      if (st.dist <= s.offset) continue;
      dirty_[s.node >> kBlockShift] = 1;
      st = {s.offset, s.label};
      heap_.push(s.offset, s.node);
    }
  };
  seed(kept);
  seed(added);
  if (changed) {
    *changed = reset;
    settle(dir, limit, false, [changed](NodeId v, Millis) {
      changed->push_back(v);
      return true;
    });
  } else {
    settle(dir, limit, false, [](NodeId, Millis) { return true; });
  }
  return settled_;
}

}  // namespace maillage::routing
