#pragma once
// The nearest place of every road node in a what-if scenario, and the local searches that change it.
//
// A scenario starts from one sweep towards the open places (time to the nearest place and which, per node): that
// start is shared, read-only, by every scenario opened on it. A scenario owns only the blocks of 64 nodes its
// changes rewrote (copy on write, 512 bytes a block), so a new scenario costs nothing and a change costs the area
// whose nearest place it changes:
//  - closing a place resets the nodes whose nearest place it was (its cell: found from the place's nodes, since
//    every node of a cell is reached from a neighbour of the same cell), re-seeds them from the cell's border and
//    from the other places whose edge ends there, and settles the cell again;
//  - adding a place runs one search from it that goes on only where it improves a node.
// Both are bounded at the scenario's cap. The work happens in a Patch: a dense working array of the graph's size
// into which only the blocks a change touches are loaded, written back to the scenario at the end.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "roads/graph.hpp"
#include "routing/search.hpp"

namespace maillage::scenario {

using roads::Millis;
using roads::NodeId;

struct NodeLabel {
  Millis dist = roads::kInfinity;    // to the nearest place (its access leg included)
  uint32_t label = roads::kInvalid;  // which place (the scenario's slot)
};

class NodeLabels {
 public:
  static constexpr int kShift = 6;
  static constexpr size_t kBlock = size_t{1} << kShift;
  explicit NodeLabels(std::shared_ptr<const std::vector<NodeLabel>> start) : start_(std::move(start)) {}
  // The states of block b (nodes b * 64 ...; the last block may be shorter).
  const NodeLabel* block(uint32_t b) const {
    auto it = own_.find(b);
    return it == own_.end() ? start_->data() + (size_t{b} << kShift) : pool_.data() + it->second;
  }
  void write(uint32_t b, const NodeLabel* states);

 private:
  std::shared_ptr<const std::vector<NodeLabel>> start_;
  std::unordered_map<uint32_t, size_t> own_;  // block -> its first state in pool_
  std::vector<NodeLabel> pool_;
};

// Sources of the open places by node (both ends of each place's edge, label = the place).
using SourcesAt = std::unordered_multimap<NodeId, routing::Source>;

class Patch {
 public:
  explicit Patch(const roads::RoadGraph& g);
  void begin(NodeLabels& labels);  // a change on these labels starts (nothing loaded)
  // Closes place `label` (its sources at `own`; `others` are the open places' sources, without it).
  void withdraw(uint32_t label, const std::vector<routing::Source>& own, const SourcesAt& others, Millis limit);
  // Opens a place: its sources relax wherever they improve.
  void add(const std::vector<routing::Source>& sources, Millis limit);
  NodeLabel get(NodeId v) { return at(v); }
  // Nodes whose state may have changed since begin() (may repeat).
  const std::vector<NodeId>& changed() const { return changed_; }
  void commit();   // the rewritten blocks back into the labels; the patch is empty again
  void abandon();  // forgets the change (the labels stay as they were)

 private:
  NodeLabel& at(NodeId v) {
    const uint32_t b = v >> NodeLabels::kShift;
    if (!loaded_[b]) load(b);
    return state_[v];
  }
  void touch(NodeId v) { written_[v >> NodeLabels::kShift] = 1; }
  void load(uint32_t b);
  void settle(Millis limit);
  void unload();
  const roads::RoadGraph& g_;
  NodeLabels* labels_ = nullptr;
  std::vector<NodeLabel> state_;
  std::vector<uint8_t> loaded_, written_;
  std::vector<uint32_t> loaded_list_;
  std::vector<NodeId> changed_;
  routing::BucketQueue queue_;
};

}  // namespace maillage::scenario
