// The bounded pool (core/pool.hpp) under racing threads: never more objects alive than its size, every object
// used by one thread at a time, waiters served when one is given back, Errc::busy after the wait, and an object
// found unfit dropped and made again.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/pool.hpp"
#include "helpers.hpp"

using namespace maillage;

namespace {
struct Thing {
  int id = 0;
  std::atomic<int> users{0};
  bool broken = false;
};
}  // namespace

TEST(Pool, BoundedExclusiveAndServedInTurn) {
  std::atomic<int> made{0}, overlaps{0};
  Pool<Thing> pool(3, [&] {
    auto t = std::make_unique<Thing>();
    t->id = ++made;
    return t;
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        auto t = pool.acquire();
        if (t->users++ != 0) ++overlaps;
        std::this_thread::yield();
        --t->users;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);  // one thread at a time on each object
  EXPECT_LE(made.load(), 3);      // made on demand, never more than the size
  EXPECT_EQ(pool.alive(), made.load());
}

TEST(Pool, BusyAfterTheWaitAndUnfitObjectsAreMadeAgain) {
  int made = 0;
  Pool<Thing> pool(
      1,
      [&] {
        auto t = std::make_unique<Thing>();
        t->id = ++made;
        return t;
      },
      [](Thing& t) { return !t.broken; }, std::chrono::milliseconds(50), "thing");
  {
    auto held = pool.acquire();
    EXPECT_CODE(pool.acquire(), Errc::busy);  // the only one is held: the wait ends
    held->broken = true;
  }
  EXPECT_EQ(pool.alive(), 0);  // dropped when given back
  auto again = pool.acquire();
  EXPECT_EQ(again->id, 2);  // a new one
  again.reset();
  EXPECT_EQ(pool.acquire()->id, 2);  // fit: kept and lent again
}

TEST(Pool, AWaiterIsServedWhenOneIsGivenBack) {
  Pool<Thing> pool(1, [] { return std::make_unique<Thing>(); });
  auto held = pool.acquire();
  std::atomic<bool> served{false};
  std::thread waiter([&] {
    auto t = pool.acquire();
    served = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(served.load());
  held.reset();
  waiter.join();
  EXPECT_TRUE(served.load());
}
