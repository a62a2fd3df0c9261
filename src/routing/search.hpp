#pragma once
// Searches on the road graph. One Search object owns its scratch arrays (times, labels, parents, heap) and
// resets them in O(1) between queries with a timestamp, so repeated queries allocate nothing (RoutingKit style).
//  - multi-source: several sources with initial offsets and labels give, for every node, the time to (or from)
//    the nearest source and which one it is: the nearest-place sweep is one such search on the reverse graph;
//  - bounded: stop at a time limit (all points reachable within T);
//  - early stop: a callback on each settled node may end the search (point-to-point, tables).
// The priority queue is a radix heap (monotone integer keys), which suits Dijkstra's integer times.
#include <array>
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

class RadixHeap {
 public:
  struct Item {
    Millis key;
    NodeId node;
  };
  void clear();
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void push(Millis key, NodeId node) {
    buckets_[bucket(key)].push_back({key, node});
    ++size_;
  }
  Millis min_key();  // requires !empty()
  Item pop();

 private:
  size_t bucket(Millis k) const { return k == last_ ? 0 : 32 - static_cast<size_t>(__builtin_clz(k ^ last_)); }
  void refill();
  std::array<std::vector<Item>, 33> buckets_;
  Millis last_ = 0;
  size_t size_ = 0;
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

  Millis time(NodeId v) const { return stamp_[v] == round_ ? dist_[v] : kInfinity; }
  uint32_t label(NodeId v) const { return stamp_[v] == round_ ? label_[v] : kInvalid; }
  // The arc that reached v in the last run (forward arc index, or reverse arc index for Backward); kInvalid
  // for a source.
  uint32_t parent_arc(NodeId v) const { return stamp_[v] == round_ ? parent_[v] : kInvalid; }
  // Nodes settled by the last run, in settling order.
  size_t settled() const { return settled_; }
  const roads::RoadGraph& graph() const { return g_; }

 private:
  void start(const std::vector<Source>& sources, bool track_parents);
  const roads::RoadGraph& g_;
  std::vector<Millis> dist_;
  std::vector<uint32_t> label_, parent_, stamp_;
  uint32_t round_ = 0;
  size_t settled_ = 0;
  RadixHeap heap_;
};

template <class OnSettle>
void Search::run_until(const std::vector<Source>& sources, Direction dir, Millis limit, bool track_parents,
                       OnSettle&& on_settle) {
  start(sources, track_parents);
  const bool fwd = dir == Direction::Forward;
  const uint32_t* first = fwd ? g_.first_out.data() : g_.first_in.data();
  const NodeId* other = fwd ? g_.head.data() : g_.tail.data();
  const Millis* w = fwd ? g_.weight.data() : g_.in_weight.data();
  Millis* dist = dist_.data();
  uint32_t* stamp = stamp_.data();
  uint32_t* label = label_.data();
  uint32_t* parent = parent_.data();
  const uint32_t round = round_;
  while (!heap_.empty()) {
    auto [d, v] = heap_.pop();
    if (d != dist[v]) continue;  // stale entry
    if (d > limit) break;
    ++settled_;
    if (!on_settle(v, d)) break;
    const uint32_t lv = label[v];
    for (uint32_t a = first[v], end = first[v + 1]; a < end; ++a) {
      NodeId u = other[a];
      Millis nd = d + w[a];
      if (stamp[u] != round) {
        stamp[u] = round;
      } else if (nd >= dist[u]) {
        continue;
      }
      dist[u] = nd;
      label[u] = lv;
      if (track_parents) parent[u] = a;
      heap_.push(nd, u);
    }
  }
}

}  // namespace maillage::routing
