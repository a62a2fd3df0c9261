#pragma once
// The audit log: who did what, when, from where (append-only; a trigger refuses changes). Every write of the API
// is recorded by the service (src/api/service.cpp); the command line records its account and token commands.
#include <cstdint>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace maillage::accounts {

struct AuditEntry {
  int64_t id = 0;
  std::string at, actor, actor_label, action, target;
  int status = 0;
  std::string address, detail;
};

struct AuditFilter {
  std::string actor;         // exact: user:3, token:2, cli:root
  std::string action;        // substring: "places", "sign_in"
  std::string since, until;  // ISO dates or times; until is exclusive ("2026-12-01" ends with November)
  int limit = 100, offset = 0;
};

void audit(db::Database& db, const AuditEntry& e);
struct AuditPage {
  std::vector<AuditEntry> items;
  int64_t total = 0;
};
AuditPage audit_log(db::Database& db, const AuditFilter& f);

}  // namespace maillage::accounts
