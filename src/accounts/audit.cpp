#include "accounts/audit.hpp"

#include "core/date.hpp"
#include "core/text.hpp"

namespace maillage::accounts {

void audit(db::Database& db, const AuditEntry& e) {
  db.prepare(
        "INSERT INTO audit_log (at, actor, actor_label, action, target, status, address, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, e.at.empty() ? date::now_utc() : e.at)
      .bind(2, e.actor)
      .bind(3, text::printable(e.actor_label, 200), false)
      .bind(4, text::printable(e.action, 200))
      .bind(5, text::printable(e.target, 300), false)
      .bind(6, e.status)
      .bind(7, text::printable(e.address, 60), false)
      .bind(8, text::printable(e.detail, 2000), false)
      .run();
}

AuditPage audit_log(db::Database& db, const AuditFilter& f) {
  const char* where =
      " FROM audit_log WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR replace(action, ?2, '') <> action) "
      "AND (?3 = '' OR at >= ?3) AND (?4 = '' OR at < ?4)";
  auto bind = [&](db::Statement& st) {
    st.bind(1, f.actor, false).bind(2, f.action, false).bind(3, f.since, false).bind(4, f.until, false);
  };
  AuditPage page;
  auto n = db.prepare(std::string("SELECT COUNT(*)") + where);
  bind(n);
  n.step();
  page.total = n.int64(0);
  auto st = db.prepare(std::string("SELECT id, at, actor, actor_label, action, target, COALESCE(status, 0), address, "
                                   "detail") +
                       where + " ORDER BY id DESC LIMIT ?5 OFFSET ?6");
  bind(st);
  st.bind(5, f.limit).bind(6, f.offset);
  while (st.step())
    page.items.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5),
                          static_cast<int>(st.int64(6)), st.text(7), st.text(8)});
  return page;
}

}  // namespace maillage::accounts
