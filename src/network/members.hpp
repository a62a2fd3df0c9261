#pragma once
// Members of the network: a place or a person, for a year, fee paid or not; and the census of the members by
// department and type (in the indicators).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/store.hpp"

namespace maillage::network {

struct Membership {
  int64_t id = 0;
  std::string place_id;
  int64_t contact_id = 0;
  int year = 0;
  bool fee_paid = false;
  std::optional<double> amount_eur;
  std::string recorded_at, recorded_by;
  std::string name, dep;  // derived
};

struct Census {
  int year = 0;
  int places = 0, people = 0, fee_paid = 0;
  std::map<std::string, int> by_department;  // "23" -> members (places and people)
  std::map<std::string, int> by_type;        // place types (a place may have several), and "personne"
};

class Members {
 public:
  explicit Members(registry::PlaceStore& store) : store_(store) {}
  // A place's or a person's membership for a year (recording it again changes the fee); InputError naming the
  // field.
  int64_t record(Membership m);
  std::vector<Membership> list(int year);
  Census census(int year);

 private:
  registry::PlaceStore& store_;
};

nlohmann::json to_json(const Membership& m);
nlohmann::json to_json(const Census& c);

}  // namespace maillage::network
