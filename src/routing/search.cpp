#include "routing/search.hpp"

#include "core/memory.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>
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
      for (uint64_t x : b)
        now_.push(roads::Time{static_cast<Millis>(x >> 32)}, roads::Node{static_cast<NodeId>(x & 0xffffffffu)});
      in_ring_ -= b.size();
      b.clear();
      bits_[idx >> 6] &= ~(uint64_t{1} << (idx & 63));
    }
    // Overflow entries whose window has come.
    while (!overflow_.empty() && (overflow_.min_key() >> kShift) <= current_) {
      auto it = overflow_.pop();
      now_.push(roads::Time{it.key}, roads::Node{it.node});
    }
  }
}

roads::Millis longest_arc(const roads::RoadGraph& g) {
  roads::Millis m = 0;
  for (auto& a : g.out) m = std::max(m, a.weight);
  return m;
}

Search::Search(const roads::RoadGraph& g) : g_(g), max_arc_weight_(longest_arc(g)), heap_(max_arc_weight_) {
  size_t n = g.node_count();
  assign_huge(state_, n, NodeState{kInfinity, kInvalid});  // read in random order by every search
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
  // Parents only for the searches that ask (routes): a sweep over France does without 100 MB.
  if (track_parents && parent_.size() != state_.size()) assign_huge(parent_, state_.size(), uint32_t{kInvalid});
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
      heap_.push(roads::Time{s.offset}, roads::Node{s.node});
}

unsigned sweep_threads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 16u); }

void Search::run_regions(const std::vector<Source>& sources, Direction dir, Millis limit, Regions how) {
  const size_t region_nodes = how.nodes;
  const unsigned threads = how.threads;
  reset_touched();
  std::fill(dirty_.begin(), dirty_.end(), 1);
  heap_.clear();
  std::vector<Seed> seeds;
  seeds.reserve(sources.size());
  for (auto& s : sources)
    if (s.node < state_.size() && s.offset != kInfinity) seeds.push_back({s.offset, s.label, s.node});
  settle_regions(seeds, dir, limit, region_nodes, threads, nullptr);
}

void Search::settle_regions(const std::vector<Seed>& initial, Direction dir, Millis limit, size_t region_nodes,
                            unsigned threads, std::vector<NodeId>* settled_nodes) {
  const size_t n = state_.size();
  // Whole blocks of 64 nodes per region: a block's dirty mark is written by one thread only.
  region_nodes = std::max<size_t>((region_nodes + 63) / 64 * 64, 64);
  threads = std::max(1u, threads);
  const size_t regions = (n + region_nodes - 1) / region_nodes;
  std::vector<std::vector<Seed>> seeds(regions);
  for (auto& sd : initial) seeds[sd.node / region_nodes].push_back(sd);
  // Per thread: its queue, what it found for other regions, the nodes it settled (when asked).
  std::vector<std::vector<std::vector<Seed>>> outbox(threads, std::vector<std::vector<Seed>>(regions));
  std::vector<std::vector<NodeId>> done(threads);
  std::vector<std::unique_ptr<BucketQueue>> queues;
  for (unsigned t = 1; t < threads; ++t) queues.push_back(std::make_unique<BucketQueue>(max_arc_weight_));
  const bool fwd = dir == Direction::Forward;
  const uint32_t* first = fwd ? g_.first_out.data() : g_.first_in.data();
  const roads::RoadGraph::Arc* arcs = fwd ? g_.out.data() : g_.in.data();
  NodeState* state = state_.data();
  uint8_t* dirty = dirty_.data();
  std::atomic<size_t> settled{0};
  auto region = [&](uint32_t r, BucketQueue& q, std::vector<std::vector<Seed>>& out, std::vector<NodeId>& mine_done) {
    const NodeId lo = static_cast<NodeId>(r * region_nodes), hi = static_cast<NodeId>(std::min(n, lo + region_nodes));
    q.clear();
    if (rounds_ == 1 && seeds[r].size() >= 16) {
      // A first round with many seeds goes over (nearly) the whole region in the order of times, which is random
      // in memory: read its arcs, first arc indices and states once in memory order, so that the search finds them
      // in cache (France: 1.3 -> 1.1 s).
      uint64_t sink = 0;
      const auto* a0 = reinterpret_cast<const uint64_t*>(arcs + first[lo]);
      const auto* a1 = reinterpret_cast<const uint64_t*>(arcs + first[hi]);
      for (const uint64_t* p = a0; p < a1; p += 8) sink += *p;
      for (NodeId v = lo; v < hi; v += 16) sink += first[v];
      for (NodeId v = lo; v < hi; v += 8) sink += state[v].dist;
      warm_sink_ += sink;
    }
    for (auto& sd : seeds[r])
      if (sd.dist < state[sd.node].dist) {
        state[sd.node] = {sd.dist, sd.label};
        dirty[sd.node >> kBlockShift] = 1;
        q.push(roads::Time{sd.dist}, roads::Node{sd.node});
      }
    seeds[r].clear();
    size_t mine = 0;
    while (!q.empty()) {
      auto [d, v] = q.pop();
      if (d != state[v].dist) continue;  // stale
      if (d > limit) break;
      ++mine;
      if (settled_nodes) mine_done.push_back(v);
      const uint32_t lv = state[v].label;
      for (uint32_t a = first[v]; a < first[v + 1]; ++a) {
        const NodeId u = arcs[a].node;
        const Millis nd = d + arcs[a].weight;
        if (u >= lo && u < hi) {
          if (nd >= state[u].dist) continue;
          state[u] = {nd, lv};
          dirty[u >> kBlockShift] = 1;
          q.push(roads::Time{nd}, roads::Node{u});
        } else {
          out[u / region_nodes].push_back({nd, lv, u});
        }
      }
    }
    settled += mine;
  };
  std::vector<uint32_t> active;
  rounds_ = 0;
  for (;;) {
    active.clear();
    for (uint32_t r = 0; r < regions; ++r)
      if (!seeds[r].empty()) active.push_back(r);
    if (active.empty()) break;
    ++rounds_;
    std::atomic<size_t> next{0};
    auto work = [&](unsigned t) {
      BucketQueue& q = t == 0 ? heap_ : *queues[t - 1];
      for (size_t i; (i = next++) < active.size();) region(active[i], q, outbox[t], done[t]);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < active.size(); ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    // Between rounds the states are still: what does not improve a node is dropped here.
    for (auto& per_thread : outbox)
      for (uint32_t r = 0; r < regions; ++r) {
        for (auto& sd : per_thread[r])
          if (sd.dist < state[sd.node].dist && sd.dist <= limit) seeds[r].push_back(sd);
        per_thread[r].clear();
      }
  }
  heap_.clear();
  settled_ = settled;
  if (settled_nodes)
    for (auto& d : done) settled_nodes->insert(settled_nodes->end(), d.begin(), d.end());
}

std::vector<NodeId> Search::reset_withdrawn(const std::vector<uint8_t>& withdrawn) {
  // Only blocks a run touched can hold a label.
  const size_t n = state_.size();
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
  return reset;
}

size_t Search::repair(const std::vector<uint8_t>& withdrawn, const std::vector<Source>& kept,
                      const std::vector<Source>& added, const RepairOptions& options) {
  const Direction dir = options.dir;
  const Millis limit = options.limit;
  std::vector<NodeId>* changed = options.changed;
  const size_t region_nodes = options.regions.nodes;
  const unsigned threads = options.regions.threads;
  heap_.clear();
  settled_ = 0;
  const size_t n = state_.size();
  // 1. Reset the nodes whose label is withdrawn.
  std::vector<NodeId> reset = reset_withdrawn(withdrawn);
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
      heap_.push(roads::Time{best.dist}, roads::Node{v});
    }
  }
  // 3. The sources: the remaining ones at reset nodes, and the new ones wherever they improve.
  if (region_nodes) {
    // On a large graph, region by region (as run_regions): the reset nodes are seeds at their re-seeded times.
    std::vector<Seed> seeds;
    for (NodeId v : reset)
      if (state_[v].dist != kInfinity)
        seeds.push_back({state_[v].dist, state_[v].label, v}), state_[v] = {kInfinity, kInvalid};
    for (auto* sources : {&kept, &added})
      for (auto& s : *sources)
        if (s.node < n && s.offset != kInfinity && !(s.label < withdrawn.size() && withdrawn[s.label]))
          seeds.push_back({s.offset, s.label, s.node});
    heap_.clear();
    if (changed) *changed = reset;
    settle_regions(seeds, dir, limit, region_nodes, threads, changed);
    return settled_;
  }
  auto seed = [&](const std::vector<Source>& sources) {
    for (auto& s : sources) {
      if (s.node >= n || s.offset == kInfinity) continue;
      if (s.label < withdrawn.size() && withdrawn[s.label]) continue;
      NodeState& st = state_[s.node];
      if (st.dist <= s.offset) continue;
      dirty_[s.node >> kBlockShift] = 1;
      st = {s.offset, s.label};
      heap_.push(roads::Time{s.offset}, roads::Node{s.node});
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
