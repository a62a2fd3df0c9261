#include "scenario/labels.hpp"

#include <algorithm>
#include <cstring>

namespace maillage::scenario {

using roads::kInfinity;
using roads::kInvalid;

namespace {
// A node of the cell being reset: not reached, and not to be taken into the cell twice.
constexpr uint32_t kInCell = kInvalid - 1;
}  // namespace

void NodeLabels::write(uint32_t b, const NodeLabel* states) {
  const size_t first = size_t{b} << kShift, count = std::min(kBlock, start_->size() - first);
  auto [it, fresh] = own_.try_emplace(b, pool_.size());
  if (fresh) pool_.resize(pool_.size() + kBlock);
  std::copy(states, states + count, pool_.begin() + static_cast<long>(it->second));
}

Patch::Patch(const roads::RoadGraph& g)
    : g_(g),
      state_(g.node_count()),
      loaded_((g.node_count() >> NodeLabels::kShift) + 1, 0),
      written_(loaded_.size(), 0),
      queue_(routing::longest_arc(g)) {}

void Patch::begin(NodeLabels& labels) {
  unload();
  labels_ = &labels;
  changed_.clear();
  queue_.clear();
}

void Patch::load(uint32_t b) {
  loaded_[b] = 1;
  loaded_list_.push_back(b);
  const size_t first = size_t{b} << NodeLabels::kShift;
  const size_t count = std::min(NodeLabels::kBlock, state_.size() - first);
  std::memcpy(state_.data() + first, labels_->block(b), count * sizeof(NodeLabel));
}

void Patch::unload() {
  for (uint32_t b : loaded_list_) loaded_[b] = written_[b] = 0;
  loaded_list_.clear();
}

void Patch::commit() {
  for (uint32_t b : loaded_list_)
    if (written_[b]) labels_->write(b, state_.data() + (size_t{b} << NodeLabels::kShift));
  unload();
}

void Patch::abandon() { unload(); }

void Patch::settle(Millis limit) {
  // Towards the places: a node's time comes from the heads of its arcs, so a settled node relaxes its in-arcs.
  const uint32_t* first = g_.first_in.data();
  const roads::RoadGraph::Arc* arcs = g_.in.data();
  while (!queue_.empty()) {
    auto [d, v] = queue_.pop();
    const NodeLabel sv = at(v);
    if (d != sv.dist) continue;  // stale
    if (d > limit) break;
    changed_.push_back(v);
    for (uint32_t a = first[v]; a < first[v + 1]; ++a) {
      const NodeId u = arcs[a].node;
      const Millis nd = d + arcs[a].weight;
      NodeLabel& su = at(u);
      if (nd >= su.dist) continue;
      su = {nd, sv.label};
      touch(u);
      queue_.push(roads::Time{nd}, roads::Node{u});
    }
  }
}

void Patch::withdraw(uint32_t label, const std::vector<routing::Source>& own, const SourcesAt& others, Millis limit) {
  queue_.clear();  // what a previous step left is beyond the limit (and the queue only moves forward)
  // 1. The cell: from the place's own nodes, through in-arcs, every node still labelled with it.
  std::vector<NodeId> cell;
  auto take = [&](NodeId v) {
    NodeLabel& s = at(v);
    if (s.dist == kInfinity || s.label != label) return;
    s = {kInfinity, kInCell};
    touch(v);
    cell.push_back(v);
  };
  for (auto& s : own) take(s.node);
  for (size_t i = 0; i < cell.size(); ++i)
    for (uint32_t a = g_.first_in[cell[i]]; a < g_.first_in[cell[i] + 1]; ++a) take(g_.in[a].node);
  // 2. Each reset node from its out-neighbours outside the cell (final times only: within the limit) and from the
  //    other places whose edge ends there.
  for (NodeId v : cell) {
    NodeLabel best{kInfinity, kInvalid};
    for (uint32_t a = g_.first_out[v]; a < g_.first_out[v + 1]; ++a) {
      const NodeLabel w = at(g_.out[a].node);
      if (w.dist > limit) continue;
      const Millis d = w.dist + g_.out[a].weight;
      if (d < best.dist || (d == best.dist && w.label < best.label)) best = {d, w.label};
    }
    auto range = others.equal_range(v);
    for (auto it = range.first; it != range.second; ++it) {
      const auto& s = it->second;
      if (s.offset < best.dist || (s.offset == best.dist && s.label < best.label)) best = {s.offset, s.label};
    }
    state_[v] = best;  // loaded by take()
    changed_.push_back(v);
    if (best.dist != kInfinity) queue_.push(roads::Time{best.dist}, roads::Node{v});
  }
  settle(limit);
}

void Patch::add(const std::vector<routing::Source>& sources, Millis limit) {
  queue_.clear();
  for (auto& s : sources) {
    if (s.offset == kInfinity) continue;
    NodeLabel& st = at(s.node);
    if (s.offset >= st.dist) continue;
    st = {s.offset, s.label};
    touch(s.node);
    queue_.push(roads::Time{s.offset}, roads::Node{s.node});
  }
  settle(limit);
}

}  // namespace maillage::scenario
