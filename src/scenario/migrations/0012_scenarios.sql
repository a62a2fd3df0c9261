-- Version 12: what-if scenarios saved under a name (issue #19): the date and the list of changes, replayed on
-- opening; shared by an unguessable key.
CREATE TABLE scenarios (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  date TEXT NOT NULL,
  changes_json TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
