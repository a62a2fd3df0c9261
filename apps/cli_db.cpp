// `maillage db backup|restore|check`: the registry's SQLite file copied while the server runs (SQLite's online
// backup API), restored, checked. docs/deploy.md says how to schedule and test them.
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/error.hpp"
#include "db/db.hpp"
#include "db/port.hpp"

namespace maillage::cli {

void add_db_commands(CLI::App& app, Globals& g) {
  auto* db = app.add_subcommand("db",
                                "the database: backup (online, SQLite), restore, integrity check, port between "
                                "SQLite and PostgreSQL");
  db->require_subcommand(1);

  auto to = std::make_shared<std::string>();
  auto* backup = db->add_subcommand("backup",
                                    "copy the registry into FILE while it is in use (SQLite online backup); "
                                    "the copy is checked before it replaces FILE");
  backup->add_option("FILE", *to, "the copy to write (e.g. /var/backups/maillage/maillage-$(date +%F).db)")->required();
  backup->callback([&g, to] {
    auto path = db_path(g);
    if (!db::is_postgresql(path) && !std::filesystem::exists(path)) throw Error(path + ": no such registry");
    db::Database src(path, db::Database::Mode::ReadWrite);
    int pages = src.backup_to(*to);
    std::cout << fmt::format("{} copied to {} ({} pages, {} bytes), integrity ok\n", path, *to, pages,
                             std::filesystem::file_size(*to));
  });

  auto from = std::make_shared<std::string>();
  auto* restore = db->add_subcommand("restore",
                                     "replace the registry's content with a backup FILE (stop the "
                                     "server first: it keeps answers cached by revision)");
  restore->add_option("FILE", *from, "a file written by `maillage db backup`")->required();
  restore->callback([&g, from] {
    auto path = db_path(g);
    db::Database dst(path);
    int pages = dst.restore_from(*from);
    auto check = dst.integrity_check();
    if (check != "ok") throw Error(path + ": integrity check after the restore: " + check);
    std::cout << fmt::format("{} restored from {} ({} pages), integrity ok\n", path, *from, pages);
  });

  auto port_from = std::make_shared<std::string>(), port_to = std::make_shared<std::string>();
  auto* port = db->add_subcommand(
      "port",
      "copy everything into a new database: SQLite to PostgreSQL (--to postgresql://...) or back to a file; "
      "counts and checksums compared table by table, all or nothing; live sessions are not copied");
  port->add_option("--from", *port_from, "the database to copy (default: --db, $MAILLAGE_DB or maillage.db)");
  port->add_option("--to", *port_to, "a new, empty database: a file path or a postgresql:// URL")->required();
  port->callback([&g, port_from, port_to] {
    auto from_name = port_from->empty() ? db_path(g) : *port_from;
    if (!db::is_postgresql(from_name) && !std::filesystem::exists(from_name))
      throw Error(from_name + ": no such database");
    db::Database from(from_name, db::Database::Mode::ReadWrite), to(*port_to);
    auto copied = db::port(from, to);
    int64_t rows = 0;
    for (auto& t : copied) {
      std::cout << fmt::format("{:<28} {:>9} rows  checksum {:016x}  equal\n", t.table, t.rows, t.checksum);
      rows += t.rows;
    }
    std::cout << fmt::format("{} -> {}: {} tables, {} rows copied and verified\n", from.path(), to.path(),
                             copied.size(), rows);
  });

  db->add_subcommand(
        "check",
        "the registry checked (SQLite: integrity_check and foreign_key_check; PostgreSQL: every table read through)")
      ->callback([&g] {
        auto path = db_path(g);
        if (!db::is_postgresql(path) && !std::filesystem::exists(path)) throw Error(path + ": no such registry");
        db::Database d(path, db::Database::Mode::ReadOnly);
        auto check = d.integrity_check();
        int broken = 0;  // PostgreSQL enforces its foreign keys itself
        if (d.backend() == db::Backend::SQLite)
          for (auto fk = d.prepare("PRAGMA foreign_key_check"); fk.step();) ++broken;
        std::cout << fmt::format("{}: integrity {}, {} broken foreign keys\n", d.path(), check, broken);
        if (check != "ok" || broken) throw Error(path + ": the registry is damaged: restore the last backup");
      });
}

}  // namespace maillage::cli
