-- Version 1: the places, their append-only history and the registry revision (meta).
CREATE TABLE places (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  siret TEXT CHECK (siret IS NULL OR length(siret) = 14),
  legal_form TEXT,
  types INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('open', 'project', 'closed')),
  opening_date TEXT,
  closing_date TEXT,
  address TEXT,
  postcode TEXT,
  insee_code TEXT NOT NULL,
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  position_precision TEXT NOT NULL CHECK (position_precision IN ('address', 'commune')),
  staff_fte REAL CHECK (staff_fte IS NULL OR staff_fte >= 0),
  seats_permanent INTEGER CHECK (seats_permanent IS NULL OR seats_permanent >= 0),
  seats_dropin INTEGER CHECK (seats_dropin IS NULL OR seats_dropin >= 0),
  seats_training INTEGER CHECK (seats_training IS NULL OR seats_training >= 0),
  services INTEGER NOT NULL DEFAULT 0,
  website TEXT, facebook TEXT, twitter TEXT, instagram TEXT, linkedin TEXT,
  contact_last_name TEXT, contact_first_name TEXT, contact_email TEXT, contact_phone TEXT, contact_mobile TEXT,
  source TEXT,
  source_date TEXT,
  notes TEXT,
  name_folded TEXT NOT NULL,   -- derived: duplicate detection and matching
  search_text TEXT NOT NULL,   -- derived: accent-insensitive text search
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX places_insee ON places (insee_code);
CREATE INDEX places_siret ON places (siret) WHERE siret IS NOT NULL;
CREATE INDEX places_name ON places (name_folded, insee_code);

CREATE TABLE place_history (
  seq INTEGER PRIMARY KEY,
  revision INTEGER NOT NULL,
  place_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('insert', 'update')),
  at TEXT NOT NULL,
  origin TEXT,
  -- The whole record as it was before an update (NULL for an insert). The record after a change is the
  -- next entry's before_json, or the current row: every stored state can be rebuilt.
  before_json TEXT CHECK ((action = 'insert') = (before_json IS NULL))
);
CREATE INDEX place_history_place ON place_history (place_id, seq);
CREATE TRIGGER place_history_no_update BEFORE UPDATE ON place_history
  BEGIN SELECT RAISE(ABORT, 'place_history is append-only'); END;
CREATE TRIGGER place_history_no_delete BEFORE DELETE ON place_history
  BEGIN SELECT RAISE(ABORT, 'place_history is append-only'); END;
CREATE TRIGGER places_no_delete BEFORE DELETE ON places
  BEGIN SELECT RAISE(ABORT, 'places are never deleted: close them (status closed, closing_date)'); END;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('revision', '0');
