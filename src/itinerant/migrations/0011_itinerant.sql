-- Version 11: itinerant tiers-lieux (issue #18): a vehicle's details and its stops, each with its hours in the
-- OpenStreetMap opening_hours syntax; every change of the timetable keeps the one before (append-only), and a
-- funding call says whether a stop nearby makes an area ineligible for a creation.
CREATE TABLE itinerant_places (
  place_id TEXT PRIMARY KEY REFERENCES places(id),
  operator TEXT NOT NULL DEFAULT '',
  base_insee TEXT NOT NULL DEFAULT '',
  vehicle TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE TABLE itinerant_stops (
  place_id TEXT NOT NULL REFERENCES places(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL CHECK (length(name) > 0),
  insee_code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  hours TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (place_id, seq)
);
CREATE TABLE itinerant_history (
  id INTEGER PRIMARY KEY,
  revision INTEGER NOT NULL,
  place_id TEXT NOT NULL,
  at TEXT NOT NULL,
  origin TEXT NOT NULL,
  before_json TEXT NOT NULL
);
CREATE INDEX itinerant_history_place ON itinerant_history (place_id, id);
CREATE TRIGGER itinerant_history_no_update BEFORE UPDATE ON itinerant_history
  BEGIN SELECT RAISE(ABORT, 'itinerant_history is append-only'); END;
CREATE TRIGGER itinerant_history_no_delete BEFORE DELETE ON itinerant_history
  BEGIN SELECT RAISE(ABORT, 'itinerant_history is append-only'); END;
