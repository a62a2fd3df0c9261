// Booking benchmarks (issue #8): booking creation under concurrent clients on one place (target >= 500 per
// second sustained, with no overbooking: checked after each run), and the network search of free desks on the
// regional skeleton with 300 places offering desks (target <= 50 ms).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "bench_common.hpp"
#include "booking/booking.hpp"
#include "booking/search.hpp"
#include "registry/io_formats.hpp"
#include "registry/validate.hpp"
#include "territory/outline.hpp"

using namespace maillage;

namespace {
// A registry of 300 open places at commune centres drawn with a fixed seed, each with a drop-in desk pool of 4,
// open Monday to Friday 09:00-18:00, and 64 members of every place.
struct Registry {
  std::string path = (std::filesystem::temp_directory_path() / "maillage-bench-booking.db").string();
  std::unique_ptr<registry::PlaceStore> store;
  std::vector<registry::Place> places;
  Registry() {
    for (auto ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    store = std::make_unique<registry::PlaceStore>(path, &territory::CommuneTable::bundled());
    registry::Validator v(territory::CommuneTable::bundled(), territory::Outline::bundled_region(), "2026-06-01");
    std::vector<registry::Record> recs;
    std::vector<registry::Problem> problems;
    int i = 0;
    for (auto* c : bench::commune_sample(300, 8)) {
      registry::Record r;
      r.file = "bench";
      registry::set_record_value(r, registry::Field::id, fmt::format("bench-{:03}", i), problems);
      registry::set_record_value(r, registry::Field::name, fmt::format("Tiers-lieu {} {}", c->name, i++), problems);
      registry::set_record_value(r, registry::Field::insee_code, c->code, problems);
      registry::set_record_value(r, registry::Field::status, "open", problems);
      registry::set_record_value(r, registry::Field::types, "coworking", problems);
      recs.push_back(std::move(r));
    }
    registry::ImportOptions o;
    o.skip_invalid = true;
    registry::import_records(*store, v, std::move(recs), o, problems);
    places = store->list({});
    booking::Bookings b(store->db());
    std::vector<int64_t> members;
    for (int m = 0; m < 64; ++m)
      members.push_back(b.add_member(fmt::format("M{}", m), fmt::format("m{}@example.org", m)));
    for (auto& p : places) {
      for (int d = 1; d <= 5; ++d) b.set_hours(p.id, d, {{"09:00", "18:00"}});
      booking::Resource r;
      r.place_id = p.id, r.kind = "desk", r.desk_kind = "dropin", r.name = "Nomades", r.units = 4, r.price_hour = 3;
      b.add_resource(r);
      for (auto m : members) b.add_membership(m, p.id);
    }
  }
};
Registry& registry_setup() {
  static Registry r;
  return r;
}

// `clients` threads, each with its own connection, book hourly slots of the first place's pool (4 desks) one
// after the other: every slot is wanted by all clients, so only 4 per slot get it and the others are refused.
void BM_BookingCreateConcurrent(benchmark::State& state) {
  auto& reg = registry_setup();
  const int clients = static_cast<int>(state.range(0)), per_client = 400;
  int64_t resource = booking::Bookings(reg.store->db()).resources(reg.places[0].id).at(0).id;
  static int round = 0;  // fresh slots for every run, across the arguments
  int64_t made = 0, refused = 0;
  for (auto _ : state) {
    std::atomic<int64_t> ok{0}, full{0};
    const int base_day = round++ * 400;
    std::vector<std::thread> ts;
    for (int c = 0; c < clients; ++c)
      ts.emplace_back([&, c] {
        db::Database db(reg.path, db::Database::Mode::ReadWrite);
        db.exec("PRAGMA synchronous = NORMAL");
        booking::Bookings b(db);
        for (int i = 0; i < per_client; ++i) {
          int slot = base_day * 9 + i / 2;  // two requests per client per slot
          auto day = std::chrono::sys_days{std::chrono::year{2030} / 1 / 7} + std::chrono::weeks{slot / 45} +
                     std::chrono::days{(slot % 45) / 9};
          std::chrono::year_month_day ymd{day};
          booking::Request r;
          r.resource_id = resource, r.member_id = 1 + c, r.unit = booking::Unit::Hour, r.hours = 1, r.actor = "bench";
          r.date = fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
          r.start = fmt::format("{:02}:00", 9 + slot % 9);
          try {
            b.book(r);
            ++ok;
          } catch (const booking::Conflict&) {
            ++full;
          }
        }
      });
    for (auto& t : ts) t.join();
    made += ok, refused += full;
  }
  // Never overbooked: no instant of any slot holds more than the pool's 4 desks.
  auto st = reg.store->db().prepare(
      "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM bookings WHERE resource_id = ? "
      "AND status = 'confirmed' GROUP BY starts)");
  st.bind(1, resource);
  st.step();
  state.counters["max_in_use"] = static_cast<double>(st.int64(0));
  state.counters["booked_per_s"] = benchmark::Counter(static_cast<double>(made), benchmark::Counter::kIsRate);
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(made + refused), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BookingCreateConcurrent)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

void BM_NetworkSearch300Places(benchmark::State& state) {
  auto& reg = registry_setup();
  auto& g = bench::skeleton();
  routing::Search search(g);
  booking::Bookings b(reg.store->db());
  auto points = bench::commune_sample(50, 77);
  size_t i = 0, found = 0;
  for (auto _ : state) {
    booking::DeskQuery q;
    q.at = points[i++ % points.size()]->centre;
    q.date = "2030-03-04", q.max_minutes = state.range(0);
    found += booking::find_free_desks(b, reg.places, g, bench::skeleton_snapper(), search, q).size();
  }
  state.counters["desks_found_per_query"] = static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_NetworkSearch300Places)->Arg(20)->Arg(45)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
