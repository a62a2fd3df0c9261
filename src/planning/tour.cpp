// Tour planning: the heuristic (greedy insertion, then local search and perturbation) and the day helpers.
#include "planning/tour.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

namespace maillage::planning {

using roads::kInfinity;

Millis DayTour::total() const {
  return drive == kInfinity ? kInfinity : drive + static_cast<Millis>(stops.size()) * stop_length;
}

Millis route_drive(const TourInstance& in, const std::vector<uint32_t>& order) {
  if (order.empty()) return 0;
  uint64_t sum = 0;
  size_t prev = 0;
  for (auto c : order) {
    Millis x = in.t(prev, c + 1);
    if (x == kInfinity) return kInfinity;
    sum += x, prev = c + 1;
  }
  Millis back = in.t(prev, 0);
  if (back == kInfinity) return kInfinity;
  sum += back;
  return sum >= kInfinity ? kInfinity : static_cast<Millis>(sum);
}

std::vector<uint32_t> best_order(const TourInstance& in, std::vector<uint32_t> stops) {
  if (stops.size() <= 1) return stops;
  if (stops.size() <= 8) {
    std::sort(stops.begin(), stops.end());
    auto best = stops;
    Millis best_t = route_drive(in, stops);
    while (std::next_permutation(stops.begin(), stops.end())) {
      Millis t = route_drive(in, stops);
      if (t < best_t) best_t = t, best = stops;
    }
    return best;
  }
  // 2-opt on longer days (more than 8 stops: rare with stops of an hour or more).
  bool improved = true;
  Millis cur = route_drive(in, stops);
  while (improved) {
    improved = false;
    for (size_t i = 0; i + 1 < stops.size(); ++i)
      for (size_t j = i + 1; j < stops.size(); ++j) {
        std::reverse(stops.begin() + i, stops.begin() + j + 1);
        Millis t = route_drive(in, stops);
        if (t < cur)
          cur = t, improved = true;
        else
          std::reverse(stops.begin() + i, stops.begin() + j + 1);
      }
  }
  return stops;
}

double tour_value(const TourInstance& in, const std::vector<DayTour>& days) {
  std::vector<uint8_t> hit(in.weight.size(), 0);
  double v = 0;
  for (auto& d : days)
    for (auto c : d.stops)
      for (auto e : in.covers[c])
        if (!hit[e]) hit[e] = 1, v += in.weight[e];
  return v;
}

bool feasible(const TourInstance& in, const std::vector<DayTour>& days) {
  if (days.size() > static_cast<size_t>(std::max(0, in.days))) return false;
  std::vector<uint8_t> seen(in.n, 0);
  for (auto& d : days) {
    for (auto c : d.stops) {
      if (c >= in.n || seen[c]) return false;
      seen[c] = 1;
    }
    Millis drive = route_drive(in, d.stops);
    if (drive == kInfinity) return false;
    if (drive + static_cast<Millis>(d.stops.size()) * in.stop_length > in.day_length) return false;
  }
  return true;
}

namespace {

struct Search {
  const TourInstance& in;
  std::vector<DayTour> days;
  std::vector<int> count;      // chosen stops within the threshold of each element
  std::vector<int> day_of;     // per candidate: its day, or -1
  std::vector<uint32_t> pool;  // candidates whose round trip fits a day and that reach some weight
  double value = 0;

  explicit Search(const TourInstance& inst)
      : in(inst), days(std::max(0, inst.days)), count(inst.weight.size(), 0), day_of(inst.n, -1) {
    for (auto& d : days) d.stop_length = in.stop_length;
    for (uint32_t c = 0; c < in.n; ++c) {
      Millis rt = route_drive(in, {c});
      double w = 0;
      for (auto e : in.covers[c]) w += in.weight[e];
      if (rt != kInfinity && rt + in.stop_length <= in.day_length && w > 0) pool.push_back(c);
    }
  }
  double gain(uint32_t c) const {
    double g = 0;
    for (auto e : in.covers[c])
      if (count[e] == 0) g += in.weight[e];
    return g;
  }
  void cover(uint32_t c, int delta) {
    for (auto e : in.covers[c]) {
      if (delta > 0 && count[e]++ == 0) value += in.weight[e];
      if (delta < 0 && --count[e] == 0) value -= in.weight[e];
    }
  }
  // Cheapest position of c in day d: (added drive, position), or kInfinity when it does not fit.
  std::pair<Millis, size_t> insertion(uint32_t c, size_t d) const {
    auto& s = days[d].stops;
    Millis base_total = days[d].total();
    Millis best = kInfinity;
    size_t pos = 0;
    for (size_t p = 0; p <= s.size(); ++p) {
      size_t a = p == 0 ? 0 : s[p - 1] + 1, b = p == s.size() ? 0 : s[p] + 1;
      Millis x = in.t(a, c + 1), y = in.t(c + 1, b), z = in.t(a, b);
      if (x == kInfinity || y == kInfinity) continue;
      int64_t added = static_cast<int64_t>(x) + y - z;
      if (base_total + added + in.stop_length <= in.day_length && added < best)
        best = static_cast<Millis>(std::max<int64_t>(0, added)), pos = p;
    }
    return {best, pos};
  }
  void insert(uint32_t c, size_t d, size_t pos) {
    auto& s = days[d].stops;
    s.insert(s.begin() + static_cast<long>(pos), c);
    s = best_order(in, s);
    days[d].drive = route_drive(in, s);
    day_of[c] = static_cast<int>(d);
    cover(c, +1);
  }
  void erase(uint32_t c) {
    auto& d = days[static_cast<size_t>(day_of[c])];
    d.stops.erase(std::find(d.stops.begin(), d.stops.end(), c));
    d.drive = route_drive(in, d.stops);
    day_of[c] = -1;
    cover(c, -1);
  }
  // Back to saved days (the counts follow).
  void restore(const std::vector<DayTour>& saved, const std::vector<int>& saved_day) {
    for (auto& x : days)
      for (auto st : x.stops) cover(st, -1);
    days = saved, day_of = saved_day;
    for (auto& x : days)
      for (auto st : x.stops) cover(st, +1);
  }
  // Greedy filling: by gain (ratio = false) or by gain per added minute of the day (ratio = true).
  void fill(bool ratio, std::mt19937* noise = nullptr) {
    std::uniform_real_distribution<double> u(0, 0.5);
    for (;;) {
      double best_score = 0;
      uint32_t bc = 0;
      size_t bd = 0, bp = 0;
      bool found = false;
      for (auto c : pool) {
        if (day_of[c] >= 0) continue;
        double g = gain(c);
        if (g <= 0) continue;
        for (size_t d = 0; d < days.size(); ++d) {
          auto [added, pos] = insertion(c, d);
          if (added == kInfinity) continue;
          double score = ratio ? g / (static_cast<double>(added) + in.stop_length) : g - 1e-9 * added;
          if (noise) score *= 1 + u(*noise);
          if (!found || score > best_score) best_score = score, bc = c, bd = d, bp = pos, found = true;
        }
      }
      if (!found) return;
      insert(bc, bd, bp);
    }
  }
  // Each chosen stop taken out and the day refilled with the best outside candidate (or several): kept when the
  // value rises.
  bool improve_swaps() {
    bool any = false;
    for (auto c : pool) {
      if (day_of[c] < 0) continue;
      auto saved = days;
      auto saved_day = day_of;
      double before = value;
      size_t d = static_cast<size_t>(day_of[c]);
      erase(c);
      // Refill this day first with the best other candidate, then greedily anywhere.
      double best_g = 0;
      uint32_t best_c = c;
      size_t best_pos = 0;
      for (auto o : pool) {
        if (o == c || day_of[o] >= 0) continue;
        auto [added, pos] = insertion(o, d);
        if (added == kInfinity) continue;
        double g = gain(o);
        if (g > best_g) best_g = g, best_c = o, best_pos = pos;
      }
      if (best_c != c) insert(best_c, d, best_pos);
      fill(false);
      if (value <= before + 1e-9 && best_c != c) {  // or: the stop moved to another day, room made for others
        restore(saved, saved_day);
        erase(c);
        for (size_t d2 = 0; d2 < days.size() && value <= before + 1e-9; ++d2) {
          if (d2 == d) continue;
          auto [added, pos] = insertion(c, d2);
          if (added == kInfinity) continue;
          insert(c, d2, pos);
          fill(false);
          if (value <= before + 1e-9) restore(saved, saved_day), erase(c);
        }
      }
      if (value > before + 1e-9) {
        any = true;
      } else {  // undo
        restore(saved, saved_day);
      }
    }
    return any;
  }
};

}  // namespace

TourSolution plan_tours(const TourInstance& in, double time_limit_s) {
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  TourSolution best;
  best.days.assign(std::max(0, in.days), DayTour{{}, 0, in.stop_length});
  for (bool ratio : {false, true}) {
    Search s(in);
    s.fill(ratio);
    while (s.improve_swaps() && elapsed() < time_limit_s) {}
    if (s.value > best.value + 1e-9 || (best.value == 0 && s.value > 0)) best.days = s.days, best.value = s.value;
  }
  // Perturbation: a few stops taken out at random, the days refilled and improved; kept when better.
  std::mt19937 rng(12345);
  Search s(in);
  for (size_t d = 0; d < best.days.size(); ++d)
    for (auto c : best.days[d].stops) s.insert(c, d, s.days[d].stops.size());
  int idle = 0;
  while (idle < 300 && elapsed() < time_limit_s) {
    std::vector<uint32_t> chosen;
    for (auto& d : s.days) chosen.insert(chosen.end(), d.stops.begin(), d.stops.end());
    if (chosen.empty()) break;
    auto saved = s.days;
    auto saved_day = s.day_of;
    double before = s.value;
    std::shuffle(chosen.begin(), chosen.end(), rng);
    size_t k = std::min<size_t>(chosen.size(), 1 + rng() % std::max<size_t>(3, chosen.size() / 2));
    for (size_t i = 0; i < k; ++i) s.erase(chosen[i]);
    s.fill(rng() % 2 == 0, &rng);
    while (s.improve_swaps() && elapsed() < time_limit_s) {}
    if (s.value > before + 1e-9) {
      idle = 0;
    } else {
      ++idle;
      if (s.value < before - 1e-9) s.restore(saved, saved_day);
    }
    if (s.value > best.value + 1e-9) best.days = s.days, best.value = s.value;
  }
  best.value = tour_value(in, best.days);
  best.seconds = elapsed();
  return best;
}

}  // namespace maillage::planning
