#pragma once
// A database made by the real binary from the bundled data (207 places), opened with the library: the fixture of
// the unit tests that need places (booking, accounts).
#include <memory>
#include <string>

#include "helpers.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

namespace maillage::test {

struct SeededDb {
  TempDir dir;
  std::string db_path = dir.database("m.db");
  std::unique_ptr<registry::PlaceStore> store;
  SeededDb() {
    run_cli("--db " + db_path + " --graph " + dir.file("g.graph") + " places list --limit 1");
    store = std::make_unique<registry::PlaceStore>(db_path, &territory::CommuneTable::bundled(), false);
  }
  db::Database& db() { return store->db(); }
};

}  // namespace maillage::test
