-- Version 9: the network's charter and the Région's five criteria (issue #17): a place is listed ("référencé") when
-- it is open, signed the current charter and meets the five criteria. The criteria and the last signature are fields
-- of the place (their history is the place's); the charter's versions are append-only.
CREATE TABLE charter_versions (
  version TEXT PRIMARY KEY CHECK (length(version) BETWEEN 1 AND 40),
  adopted_on TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TRIGGER charter_versions_no_update BEFORE UPDATE ON charter_versions
  BEGIN SELECT RAISE(ABORT, 'a charter version is never rewritten: adopt a new one'); END;
CREATE TRIGGER charter_versions_no_delete BEFORE DELETE ON charter_versions
  BEGIN SELECT RAISE(ABORT, 'charter versions are never deleted'); END;
