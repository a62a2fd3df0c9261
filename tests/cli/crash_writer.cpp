// A test program for crash injection (issue #29): books a weekly series through the booking library built with
// MAILLAGE_FAULT_POINTS, and at the fault point inside its transaction says so on stderr and waits to be killed.
// Usage: crash_writer DB RESOURCE MEMBER DATE WEEKS
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "booking/booking.hpp"
#include "core/faults.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

int main(int argc, char** argv) {
  using namespace maillage;
  if (argc != 6) {
    std::fprintf(stderr, "usage: crash_writer DB RESOURCE MEMBER DATE WEEKS\n");
    return 2;
  }
  faults::install([](std::string_view point) {
    if (point != "booking.before_commit") return;
    std::fprintf(stderr, "booking written, transaction open\n");
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::seconds(60));
  });
  registry::PlaceStore store(argv[1], &territory::CommuneTable::bundled());
  booking::Bookings b(store.db());
  booking::Request r;
  r.resource_id = std::stoll(argv[2]), r.member_id = std::stoll(argv[3]);
  r.unit = booking::Unit::Day, r.date = argv[4], r.weeks = std::stoi(argv[5]);
  r.actor = "member:" + std::string(argv[3]);
  b.book_series(r);
  return 0;
}
