// Compiled by CTest (issue #29): as it is, it must compile (the control); with -DSWAPPED it must not, because a
// search queue takes its time and its node as distinct types (roads::Time, roads::Node). Likewise with -DRAW: raw
// integers do not convert silently.
#include "routing/search.hpp"

int main() {
  using namespace maillage;
  routing::QuadHeap heap;
  roads::NodeId node = 7;
  roads::Millis time = 1200;
#if defined(SWAPPED)
  heap.push(roads::Node{node}, roads::Time{time});
#elif defined(RAW)
  heap.push(time, node);
#else
  heap.push(roads::Time{time}, roads::Node{node});
#endif
  return heap.pop().node == node ? 0 : 1;
}
