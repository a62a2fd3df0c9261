#pragma once
// Invitations by drive time: the targets whose commune (their own, or their organisation's) lies within N minutes
// by car of an event's venue, and the communes left without any event within N minutes in a period. The coverage
// engine's commune centres give the times (the same drive-time model as the coverage of places).
#include <map>
#include <string>
#include <vector>

#include "coverage/coverage.hpp"
#include "network/network.hpp"

namespace maillage::network {

struct Invitee {
  Contact contact;
  std::string commune;
  double minutes = -1;
};
// Nearest first. `engine` is recomputed for the venue (callers that keep it must compute it again).
std::vector<Invitee> invitation_list(Contacts& contacts, coverage::Engine& engine, const Event& e, double minutes);

struct UncoveredCommune {
  std::string insee, name, dep;
  double population = 0;
  double minutes = -1;  // to the nearest event (-1: none reachable)
};
struct EventGaps {
  std::string from, to;
  int events = 0;
  double population = 0, uncovered_population = 0;
  std::vector<UncoveredCommune> communes;          // the largest first
  std::map<std::string, double> uncovered_by_dep;  // department -> inhabitants
};
// The communes farther than `minutes` from every scheduled event of [from, to) with a position.
EventGaps territories_without_event(coverage::Engine& engine, const std::vector<Event>& events, double minutes,
                                    const std::string& from, const std::string& to);

nlohmann::json to_json(const Invitee& i);
nlohmann::json to_json(const EventGaps& g, size_t max_communes = 200);

}  // namespace maillage::network
