#pragma once
// Searches on the road graph. One Search object owns its scratch arrays (times, labels, parents, queue) and
// resets only what the last query touched, so repeated queries allocate nothing and a small query costs what
// it explores (RoutingKit style).
//  - multi-source: several sources with initial offsets and labels give, for every node, the time to (or from)
//    the nearest source and which one it is: the nearest-place sweep is one such search on the reverse graph;
//  - bounded: stop at a time limit (all points reachable within T);
//  - early stop: a callback on each settled node may end the search (point-to-point, tables).
// The priority queue is a two-level bucket queue (see BucketQueue) with lazy deletion.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "roads/graph.hpp"

namespace maillage::routing {

using roads::kInfinity;
using roads::kInvalid;
using roads::Millis;
using roads::NodeId;

struct Source {
  NodeId node;
  Millis offset;   // time already spent before this node
  uint32_t label;  // reported for every node this source is nearest to
};

enum class Direction {
  Forward,   // times from the sources along the arcs
  Backward,  // times towards the sources (reverse arcs): "how long from here to the nearest source"
};

// Min-heap of (time, node) packed in one 64-bit word (time in the high half, so integer order is (time, node)
// order), 4-ary, with lazy deletion: a node whose time improves is pushed again and its stale entries are
// skipped when popped. On road graphs the frontier stays small (thousands), so the heap lives in cache and
// each operation is a few comparisons of 64-bit integers.
class QuadHeap {
 public:
  struct Item {
    Millis key;
    NodeId node;
  };
  void clear() { h_.clear(); }
  bool empty() const { return h_.empty(); }
  size_t size() const { return h_.size(); }
  // Time first, node second: distinct types, so that a swap does not compile (tests/compile_fail).
  void push(roads::Time time, roads::Node at) {
    const Millis key = time.v;
    const NodeId node = at.v;
    uint64_t x = (static_cast<uint64_t>(key) << 32) | node;
    size_t i = h_.size();
    h_.push_back(x);
    while (i > 0) {
      size_t parent = (i - 1) >> 2;
      if (h_[parent] <= x) break;
      h_[i] = h_[parent];
      i = parent;
    }
    h_[i] = x;
  }
  Millis min_key() const { return static_cast<Millis>(h_.front() >> 32); }
  NodeId min_node() const { return static_cast<NodeId>(h_.front() & 0xffffffffu); }
  Item pop() {
    uint64_t top = h_.front(), x = h_.back();
    h_.pop_back();
    const size_t n = h_.size();
    if (n > 0) {
      size_t i = 0;
      for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) break;
        size_t best = c;
        uint64_t bv = h_[c];
        size_t end = std::min(c + 4, n);
        for (size_t k = c + 1; k < end; ++k)
          if (h_[k] < bv) bv = h_[k], best = k;
        if (bv >= x) break;
        h_[i] = bv;
        i = best;
      }
      h_[i] = x;
    }
    return {static_cast<Millis>(top >> 32), static_cast<NodeId>(top & 0xffffffffu)};
  }

 private:
  std::vector<uint64_t> h_;
};

// The priority queue of the searches: exact, monotone (Dijkstra never pushes a time below the last popped).
// Times fall into windows of 2^kShift ms. Entries of future windows wait unsorted in a ring of buckets (one
// push_back); when the search reaches a window, its bucket is moved into a small QuadHeap that orders it
// exactly. Times beyond the ring's horizon (long ferries) wait in an overflow heap. With road graphs most arcs
// are longer than a window, so most pushes cost O(1) and the ordering heap stays tiny and in cache. A bitmap
// of non-empty buckets lets the queue skip empty windows 64 at a time (sparse networks with long arcs).
class BucketQueue {
 public:
  static constexpr int kShift = 5;  // 32 ms windows (measured: 8-32 ms best on road-like graphs)
  explicit BucketQueue(Millis max_arc_weight = 1u << 20);
  struct Item {
    Millis key;
    NodeId node;
  };
  void clear();
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void push(roads::Time time, roads::Node at) {
    const Millis key = time.v;
    const NodeId node = at.v;
    ++size_;
    uint64_t window = key >> kShift;
    if (window == current_) {
      now_.push(roads::Time{key}, roads::Node{node});
    } else if (window - current_ < ring_.size()) {
      const uint64_t idx = window & mask_;
      auto& b = ring_[idx];
      if (b.empty()) {
        used_.push_back(static_cast<uint32_t>(idx));
        bits_[idx >> 6] |= uint64_t{1} << (idx & 63);
      }
      b.push_back((static_cast<uint64_t>(key) << 32) | node);
      ++in_ring_;
    } else {
      overflow_.push(roads::Time{key}, roads::Node{node});
    }
  }
  Item pop() {
    if (now_.empty()) advance();
    --size_;
    auto it = now_.pop();
    return {it.key, it.node};
  }
  // The node that will probably be popped next (a hint for prefetching), or kInvalid.
  NodeId peek_node() const { return now_.empty() ? kInvalid : now_.min_node(); }

 private:
  void advance();  // moves to the next window that holds entries (requires !empty())
  QuadHeap now_, overflow_;
  std::vector<std::vector<uint64_t>> ring_;
  std::vector<uint32_t> used_;                  // buckets that received entries since clear() (may repeat)
  std::vector<uint64_t> bits_;                  // one bit per bucket: non-empty
  uint64_t next_nonempty(uint64_t from) const;  // ring index distance from `from` to the next non-empty bucket
  uint64_t mask_ = 0, current_ = 0;
  size_t size_ = 0, in_ring_ = 0;
};

// Threads for a whole-graph sweep: the machine's cores (at least 1, at most 16).
unsigned sweep_threads();

// The largest arc weight of the graph (what a BucketQueue for its searches is sized by).
Millis longest_arc(const roads::RoadGraph& g);

// How a whole-graph run goes region by region (issue #29: named options, not positional defaults that switch
// algorithms): regions of `nodes` nodes on `threads` cores.
inline constexpr size_t kSweepRegionNodes = 1 << 16;  // measured on France: 2^15-2^17 alike (bench_sweep)
struct Regions {
  size_t nodes = kSweepRegionNodes;  // 0: one search over the whole graph (repair only)
  unsigned threads = 2;
};
// Search::repair's options: the run's direction and limit, where to report the nodes it changed, how to settle.
struct RepairOptions {
  Direction dir = Direction::Backward;
  Millis limit = kInfinity;
  std::vector<NodeId>* changed = nullptr;
  Regions regions = {0, 1};
};

class Search {
 public:
  explicit Search(const roads::RoadGraph& g);

  // Runs to exhaustion, or up to `limit`. Parents are recorded when track_parents.
  void run(const std::vector<Source>& sources, Direction dir, Millis limit = kInfinity, bool track_parents = false) {
    run_until(sources, dir, limit, track_parents, [](NodeId, Millis) { return true; });
  }
  // Same, calling on_settle(node, time) for each settled node; returning false stops the search.
  template <class OnSettle>
  void run_until(const std::vector<Source>& sources, Direction dir, Millis limit, bool track_parents,
                 OnSettle&& on_settle);

  // run() for a whole large graph, region by region: the node order (Hilbert) is cut into regions of
  // `region_nodes`; each region runs its own search over its own nodes, whose arrays stay in cache, from its sources
  // and from what its neighbours found; a time found for a node of another region is sent there for the next
  // round; rounds go on until no region has anything better to take (label-correcting between regions, exact:
  // every time is a real path and at the end no arc can improve one). Regions of a round run on `threads` cores.
  // Same times as run(); on a tie the label may be another of the tied ones, but as in run() a node's state changes
  // only for a strictly shorter time, so every labelled node keeps a neighbour of its label that gives its time
  // (what-if closures walk a place's area that way). No parents. France (25 M nodes, 23,500 sources): 1.1-1.3 s on
  // two cores against 5.3-5.6 s for run() (bench_sweep).
  static constexpr size_t kRegionNodes = kSweepRegionNodes;
  void run_regions(const std::vector<Source>& sources, Direction dir, Millis limit = kInfinity, Regions how = {});
  size_t rounds() const { return rounds_; }  // of the last run_regions

  // Brings the last run up to date as if it had been run again without the sources whose label is withdrawn
  // (withdrawn[label] != 0) and with `added` more: the nodes that held a withdrawn label are reset and re-seeded
  // from their neighbours outside that set and from `kept` (the sources of the remaining labels), then `added`
  // relax only where they improve. Exact for every node whose time is within `limit` (same `dir` and `limit` as
  // the run); costs what changed, not the graph. Returns the nodes settled; `changed`, when given, receives every
  // node whose state may differ (the reset ones and those settled again).
  // `regions.nodes` > 0: the settling goes region by region on `regions.threads` cores, as run_regions (large
  // graphs); 0 (the default): one search.
  size_t repair(const std::vector<uint8_t>& withdrawn, const std::vector<Source>& kept,
                const std::vector<Source>& added, const RepairOptions& options);

  Millis time(NodeId v) const { return state_[v].dist; }
  uint32_t label(NodeId v) const { return state_[v].dist == kInfinity ? kInvalid : state_[v].label; }
  // The arc that reached v in the last run (forward arc index, or reverse arc index for Backward); kInvalid
  // for a source, or when no run has tracked parents.
  uint32_t parent_arc(NodeId v) const { return state_[v].dist == kInfinity || parent_.empty() ? kInvalid : parent_[v]; }
  // Nodes settled by the last run, in settling order.
  size_t settled() const { return settled_; }
  const roads::RoadGraph& graph() const { return g_; }

 private:
  void reset_touched();  // the blocks the last run touched back to "not reached"
  // The nodes whose label is withdrawn (withdrawn[label] != 0) back to "not reached"; returns them.
  std::vector<NodeId> reset_withdrawn(const std::vector<uint8_t>& withdrawn);
  struct Seed {
    Millis dist;
    uint32_t label;
    NodeId node;
  };
  // From the present states, the seeds taken where they improve, region by region (run_regions, repair); the nodes
  // settled are appended to `settled_nodes` when given.
  void settle_regions(const std::vector<Seed>& seeds, Direction dir, Millis limit, size_t region_nodes,
                      unsigned threads, std::vector<NodeId>* settled_nodes);
  void start(const std::vector<Source>& sources, bool track_parents);
  template <class OnSettle>
  void settle(Direction dir, Millis limit, bool track_parents, OnSettle&& on_settle);
  const roads::RoadGraph& g_;
  // Per node, what a relaxation touches together, in 8 bytes. A run marks the blocks of 64 nodes it touches
  // and the next run resets only those, so a small query costs what it explores.
  struct alignas(8) NodeState {
    Millis dist;
    uint32_t label;
  };
  static constexpr int kBlockShift = 6;
  std::vector<NodeState> state_;
  std::vector<uint32_t> parent_;
  std::vector<uint8_t> dirty_;
  size_t settled_ = 0, rounds_ = 0;
  std::atomic<uint64_t> warm_sink_{0};  // keeps run_regions' warming reads from being optimised away
  Millis max_arc_weight_;
  BucketQueue heap_;
};

template <class OnSettle>
void Search::run_until(const std::vector<Source>& sources, Direction dir, Millis limit, bool track_parents,
                       OnSettle&& on_settle) {
  start(sources, track_parents);
  settle(dir, limit, track_parents, on_settle);
}

template <class OnSettle>
void Search::settle(Direction dir, Millis limit, bool track_parents, OnSettle&& on_settle) {
  const bool fwd = dir == Direction::Forward;
  const uint32_t* first = fwd ? g_.first_out.data() : g_.first_in.data();
  const roads::RoadGraph::Arc* arcs = fwd ? g_.out.data() : g_.in.data();
  NodeState* state = state_.data();
  uint32_t* parent = parent_.data();
  uint8_t* dirty = dirty_.data();
  while (!heap_.empty()) {
    auto [d, v] = heap_.pop();
    if (d != state[v].dist) continue;  // stale entry
    if (d > limit) break;
    ++settled_;
    if (!on_settle(v, d)) break;
    const uint32_t lv = state[v].label;
    const uint32_t begin = first[v], end = first[v + 1];
    // The next node to settle is usually known already: fetch its arcs and state while this one is relaxed.
    if (NodeId next = heap_.peek_node(); next != kInvalid) {
      __builtin_prefetch(&first[next]);
      __builtin_prefetch(&state[next]);
      __builtin_prefetch(&arcs[first[next]]);
    }
    // Ask for the neighbours' states first, so that their cache misses overlap.
    for (uint32_t a = begin; a < end; ++a) __builtin_prefetch(&state[arcs[a].node], 1);
    for (uint32_t a = begin; a < end; ++a) {
      NodeId u = arcs[a].node;
      Millis nd = d + arcs[a].weight;
      NodeState& su = state[u];
      if (nd >= su.dist) continue;
      dirty[u >> kBlockShift] = 1;
      su = {nd, lv};
      if (track_parents) parent[u] = a;
      heap_.push(roads::Time{nd}, roads::Node{u});
    }
  }
}

}  // namespace maillage::routing
