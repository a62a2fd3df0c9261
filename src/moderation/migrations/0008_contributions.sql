-- Version 8: the directory kept complete (issue #16): public contributions with their moderation, and the yearly
-- confirmation of a place's sheet by its managers (append-only: the last one counts).
CREATE TABLE contributions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'correction')),
  place_id TEXT REFERENCES places(id),         -- a correction's place
  fields_json TEXT NOT NULL,                   -- proposed values: Maillage field name -> text
  comment TEXT NOT NULL DEFAULT '',
  contributor_name TEXT NOT NULL DEFAULT '',   -- private; erased on request
  contributor_email TEXT NOT NULL DEFAULT '',  -- private; erased on request
  consent_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'duplicate', 'withdrawn')),
  candidates_json TEXT NOT NULL DEFAULT '[]',  -- likely duplicates found at submission
  warnings_json TEXT NOT NULL DEFAULT '[]',    -- what the validator warned about
  follow_key_hash TEXT NOT NULL UNIQUE,        -- the contributor's private link (hashed)
  address TEXT NOT NULL DEFAULT '',            -- the client's address (abuse), erased with the person
  created_at TEXT NOT NULL,
  decided_at TEXT,
  decided_by TEXT,                             -- user:ID (name) or cli:NAME
  decision_reason TEXT,
  result_place_id TEXT REFERENCES places(id)  -- the place created, corrected or merged into
);
CREATE INDEX contributions_status ON contributions (status, created_at);
CREATE INDEX contributions_email ON contributions (contributor_email);
CREATE TRIGGER contributions_no_delete BEFORE DELETE ON contributions
  BEGIN SELECT RAISE(ABORT, 'contributions are never deleted (erase the person instead)'); END;
CREATE TABLE place_confirmations (
  id INTEGER PRIMARY KEY,
  place_id TEXT NOT NULL REFERENCES places(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX place_confirmations_place ON place_confirmations (place_id, at);
CREATE TRIGGER place_confirmations_no_update BEFORE UPDATE ON place_confirmations
  BEGIN SELECT RAISE(ABORT, 'place_confirmations is append-only'); END;
CREATE TRIGGER place_confirmations_no_delete BEFORE DELETE ON place_confirmations
  BEGIN SELECT RAISE(ABORT, 'place_confirmations is append-only'); END;
