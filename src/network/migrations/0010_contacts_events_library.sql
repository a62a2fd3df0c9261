-- Version 10: the network's contacts and targets, and its events with registration (issue #17). Nothing is deleted:
-- a person's erasure blanks their personal fields and keeps the rows (the counts stay).
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('commune', 'epci', 'departement', 'region', 'chambre', 'entreprise',
                                     'association', 'tiers_lieu', 'etat', 'autre')),
  insee_code TEXT,
  epci TEXT NOT NULL DEFAULT '',
  place_id TEXT REFERENCES places(id),
  tags TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  organisation_id INTEGER REFERENCES organisations(id),
  role TEXT NOT NULL DEFAULT '',
  insee_code TEXT,
  tags TEXT NOT NULL DEFAULT '',
  lawful_basis TEXT NOT NULL CHECK (lawful_basis IN ('consent', 'legitimate_interest', 'contract', 'public_task')),
  consent_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_touched_at TEXT NOT NULL,
  erased_at TEXT
);
CREATE INDEX contacts_email ON contacts (email);
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
  BEGIN SELECT RAISE(ABORT, 'contacts are never deleted (erase the person instead)'); END;
CREATE TABLE interactions (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER REFERENCES contacts(id),
  organisation_id INTEGER REFERENCES organisations(id),
  kind TEXT NOT NULL CHECK (kind IN ('met', 'called', 'emailed', 'event', 'other')),
  on_date TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX interactions_contact ON interactions (contact_id, on_date);
CREATE TRIGGER interactions_no_delete BEFORE DELETE ON interactions
  BEGIN SELECT RAISE(ABORT, 'interactions are append-only'); END;
CREATE TRIGGER interactions_only_erasure BEFORE UPDATE ON interactions
  WHEN NEW.note <> '' OR NEW.kind IS NOT OLD.kind OR NEW.on_date IS NOT OLD.on_date
       OR NEW.contact_id IS NOT OLD.contact_id OR NEW.author IS NOT OLD.author
  BEGIN SELECT RAISE(ABORT, 'interactions are append-only (an erasure only blanks a note)'); END;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL CHECK (length(title) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('information_day', 'meeting', 'training', 'open_day', 'other')),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL CHECK (ends_at > starts_at),
  place_id TEXT REFERENCES places(id),
  venue TEXT NOT NULL DEFAULT '',
  insee_code TEXT,
  lon REAL,
  lat REAL,
  capacity INTEGER NOT NULL CHECK (capacity > 0),
  audience TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX events_starts ON events (starts_at);
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events(id),
  name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
  consent_at TEXT NOT NULL,
  cancel_key_hash TEXT NOT NULL UNIQUE,
  attended INTEGER CHECK (attended IS NULL OR attended IN (0, 1)),
  created_at TEXT NOT NULL,
  cancelled_at TEXT,
  promoted_at TEXT
);
CREATE INDEX registrations_event ON registrations (event_id, status, id);
CREATE INDEX registrations_email ON registrations (email);
CREATE TRIGGER registrations_no_delete BEFORE DELETE ON registrations
  BEGIN SELECT RAISE(ABORT, 'registrations are never deleted'); END;
CREATE TABLE library_resources (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL CHECK (length(title) > 0),
  summary TEXT NOT NULL DEFAULT '',
  themes TEXT NOT NULL DEFAULT '',
  audience TEXT NOT NULL CHECK (audience IN ('public', 'members')),
  url TEXT NOT NULL DEFAULT '',
  downloads INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE library_versions (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES library_resources(id),
  version INTEGER NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  UNIQUE (resource_id, version)
);
-- Full-text search in French: the words are stored as their Snowball stems (libstemmer), accents folded.
CREATE VIRTUAL TABLE library_fts USING fts5(title, summary, themes, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE network_memberships (
  id INTEGER PRIMARY KEY,
  place_id TEXT REFERENCES places(id),
  contact_id INTEGER REFERENCES contacts(id),
  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  fee_paid INTEGER NOT NULL CHECK (fee_paid IN (0, 1)),
  amount_eur REAL CHECK (amount_eur IS NULL OR amount_eur >= 0),
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  CHECK ((place_id IS NULL) <> (contact_id IS NULL))
);
CREATE UNIQUE INDEX network_memberships_place ON network_memberships (place_id, year) WHERE place_id IS NOT NULL;
CREATE UNIQUE INDEX network_memberships_contact ON network_memberships (contact_id, year) WHERE contact_id IS NOT NULL;
