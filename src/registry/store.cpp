#include "registry/store.hpp"

#include "registry/listing.hpp"

#include <sqlite3.h>

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::registry {

namespace {

// Numbered migrations: migration i brings the schema from version i to i + 1. Never edit a released one;
// add a new one.
const char* const kMigrations[] = {
    R"sql(
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
)sql",
    // 2: funding calls (AMI), applications and their append-only event log.
    R"sql(
CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  opens TEXT NOT NULL,
  closes TEXT NOT NULL CHECK (closes >= opens),
  threshold_min REAL NOT NULL CHECK (threshold_min > 0),
  min_years_open REAL NOT NULL CHECK (min_years_open >= 0),
  min_fte REAL NOT NULL CHECK (min_fte >= 0),
  created_at TEXT NOT NULL
);
INSERT INTO calls VALUES ('ami-2022-2024', 'AMI Tiers-lieux 2022-2024 (Région Nouvelle-Aquitaine)',
  '2022-07-01', '2024-09-01', 20, 3, 0.5, '2022-07-01T00:00:00Z');
CREATE TABLE applications (
  id INTEGER PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES calls (id),
  kind TEXT NOT NULL CHECK (kind IN ('creation', 'development')),
  applicant TEXT NOT NULL CHECK (length(applicant) > 0),
  project TEXT NOT NULL CHECK (length(project) > 0),
  place_id TEXT,
  lon REAL, lat REAL, insee_code TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'under_review', 'accepted', 'rejected', 'withdrawn')),
  eligibility_json TEXT,       -- stored at submission, never rewritten
  submitted_on TEXT,
  created_at TEXT NOT NULL,
  CHECK ((kind = 'development') = (place_id IS NOT NULL)),
  CHECK (kind = 'development' OR (lon IS NOT NULL AND lat IS NOT NULL))
);
CREATE TRIGGER applications_eligibility_frozen BEFORE UPDATE ON applications
  WHEN OLD.eligibility_json IS NOT NULL AND (NEW.eligibility_json IS NOT OLD.eligibility_json
    OR NEW.submitted_on IS NOT OLD.submitted_on OR NEW.kind IS NOT OLD.kind OR NEW.lon IS NOT OLD.lon
    OR NEW.lat IS NOT OLD.lat OR NEW.place_id IS NOT OLD.place_id OR NEW.call_id IS NOT OLD.call_id)
  BEGIN SELECT RAISE(ABORT, 'the eligibility of a submitted application is never rewritten'); END;
CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications
  BEGIN SELECT RAISE(ABORT, 'applications are never deleted (withdraw them)'); END;
CREATE TABLE application_events (
  seq INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES applications (id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (length(actor) > 0),
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE TRIGGER application_events_no_update BEFORE UPDATE ON application_events
  BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
CREATE TRIGGER application_events_no_delete BEFORE DELETE ON application_events
  BEGIN SELECT RAISE(ABORT, 'application_events is append-only'); END;
)sql",
    // 3: API tokens, stored as hashes only (see src/api/tokens.hpp).
    R"sql(
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
)sql",
    // 4: booking (src/booking): opening hours, resources, members, trainings, bookings and their events; tokens
    // gain the member and manager roles (the table is rebuilt: SQLite cannot change a CHECK constraint).
    R"sql(
CREATE TABLE api_tokens_v4 (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'manager', 'member')),
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  subject TEXT  -- manager: the place id; member: the member id
);
INSERT INTO api_tokens_v4 (id, hash, role, label, created_at, revoked_at) SELECT id, hash, role, label, created_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_v4 RENAME TO api_tokens;
CREATE TABLE opening_hours (
  place_id TEXT NOT NULL REFERENCES places(id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),  -- 1 = Monday
  opens TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
  closes TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]' AND closes > opens),
  PRIMARY KEY (place_id, weekday, opens)
);
CREATE TABLE closure_days (
  place_id TEXT NOT NULL REFERENCES places(id),
  day TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (place_id, day)
);
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  place_id TEXT NOT NULL REFERENCES places(id),
  kind TEXT NOT NULL CHECK (kind IN ('desk', 'room', 'machine')),
  desk_kind TEXT CHECK ((kind = 'desk') = (desk_kind IN ('permanent', 'dropin', 'training'))),
  name TEXT NOT NULL,
  units INTEGER NOT NULL CHECK (units >= 1),          -- bookable at once: desks of the pool, 1 room, machines
  people INTEGER,                                     -- a room's capacity
  training_required INTEGER NOT NULL DEFAULT 0,
  price_hour REAL, price_half_day REAL, price_day REAL, price_month REAL,
  cancel_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_hours >= 0),
  auto_confirm INTEGER NOT NULL DEFAULT 1,
  UNIQUE (place_id, name)
);
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE memberships (
  member_id INTEGER NOT NULL REFERENCES members(id),
  place_id TEXT NOT NULL REFERENCES places(id),
  plan TEXT NOT NULL DEFAULT 'standard',
  discount_pct REAL NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 100),
  PRIMARY KEY (member_id, place_id)
);
CREATE TABLE trainings (
  member_id INTEGER NOT NULL REFERENCES members(id),
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  valid_until TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  PRIMARY KEY (member_id, resource_id)
);
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  unit TEXT NOT NULL CHECK (unit IN ('hour', 'half_day', 'day', 'month')),
  starts TEXT NOT NULL,  -- local time (Europe/Paris), YYYY-MM-DDTHH:MM
  ends TEXT NOT NULL CHECK (ends > starts),
  quantity REAL NOT NULL,  -- units billed (hours, half-days, days, months)
  status TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'cancelled', 'no_show')),
  plan TEXT NOT NULL,
  unit_price REAL, discount_pct REAL NOT NULL DEFAULT 0, amount REAL,
  recorded_by TEXT,   -- a manager who booked on behalf of the member (phone, e-mail), else NULL
  channel TEXT NOT NULL DEFAULT 'self',
  created_at TEXT NOT NULL
);
CREATE INDEX bookings_resource_time ON bookings (resource_id, ends, starts);
CREATE INDEX bookings_member ON bookings (member_id, starts);
CREATE TABLE booking_events (
  id INTEGER PRIMARY KEY,
  booking_id INTEGER NOT NULL REFERENCES bookings(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE TRIGGER booking_events_no_update BEFORE UPDATE ON booking_events
  BEGIN SELECT RAISE(ABORT, 'booking_events is append-only'); END;
CREATE TRIGGER booking_events_no_delete BEFORE DELETE ON booking_events
  BEGIN SELECT RAISE(ABORT, 'booking_events is append-only'); END;
CREATE TRIGGER bookings_no_delete BEFORE DELETE ON bookings
  BEGIN SELECT RAISE(ABORT, 'bookings are never deleted (cancel them)'); END;
)sql",
    // 5: weekly series of bookings (the id of the series' first booking; NULL for a booking alone).
    R"sql(
ALTER TABLE bookings ADD COLUMN series_id INTEGER REFERENCES bookings(id);
CREATE INDEX bookings_series ON bookings (series_id, starts);
)sql",
    // 6: people (src/accounts): accounts and their roles, sessions, one-time keys (invitation, reset,
    // verification), failed sign-ins, which places accept self-registration; the mail outbox (src/mail); the
    // audit log of every write; tokens gain an expiry and their creator.
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT,  -- Argon2id string of libsodium's crypto_pwhash_str; NULL until the person sets one
  status TEXT NOT NULL CHECK (status IN ('invited', 'unverified', 'active', 'disabled')),
  email_verified_at TEXT,
  member_id INTEGER REFERENCES members(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'manager', 'member')),
  place_id TEXT NOT NULL DEFAULT '',  -- manager: the place; '' for the other roles
  granted_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  PRIMARY KEY (user_id, role, place_id)
);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,  -- BLAKE2b of the cookie's secret; the secret itself is never stored
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);
CREATE TABLE one_time_keys (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset', 'verification')),
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE TABLE auth_failures (
  key TEXT PRIMARY KEY,  -- 'account:<e-mail>' or 'address:<ip>'
  failures INTEGER NOT NULL,
  last_at INTEGER NOT NULL  -- Unix time of the last failure
);
CREATE TABLE place_settings (
  place_id TEXT PRIMARY KEY REFERENCES places(id),
  self_registration INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  event TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,        -- user:ID, token:ID, cli:NAME, anonymous
  actor_label TEXT NOT NULL,  -- the person's name or the token's label, as it was
  action TEXT NOT NULL,       -- 'POST /places/{id}', 'sign_in', 'sign_in_failed', 'users add' ...
  target TEXT NOT NULL DEFAULT '',
  status INTEGER,
  address TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
)sql",
    // 7: verdicts with their margin (issue #15): how a call applies the profile's error, and the instructing
    // officer's confirmation of a creation eligibility found "to verify" (set once).
    R"sql(
ALTER TABLE calls ADD COLUMN margin TEXT NOT NULL DEFAULT 'median' CHECK (margin IN ('none', 'median', 'p90'));
ALTER TABLE applications ADD COLUMN eligibility_confirmed TEXT
  CHECK (eligibility_confirmed IS NULL OR eligibility_confirmed IN ('eligible', 'not_eligible'));
CREATE TRIGGER applications_confirmation_frozen BEFORE UPDATE ON applications
  WHEN OLD.eligibility_confirmed IS NOT NULL AND NEW.eligibility_confirmed IS NOT OLD.eligibility_confirmed
  BEGIN SELECT RAISE(ABORT, 'a confirmed eligibility is never rewritten'); END;
)sql",
    // 8: the directory kept complete (issue #16): public contributions with their moderation, and the yearly
    // confirmation of a place's sheet by its managers (append-only: the last one counts).
    R"sql(
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
)sql",
    // 9: the network's charter and the Région's five criteria (issue #17): a place is listed ("référencé") when
    // it is open, signed the current charter and meets the five criteria. The criteria and the last signature
    // are fields of the place (their history is the place's); the charter's versions are append-only.
    R"sql(
ALTER TABLE places ADD COLUMN criterion_open_to_all TEXT NOT NULL DEFAULT 'unknown'
  CHECK (criterion_open_to_all IN ('yes', 'no', 'unknown'));
ALTER TABLE places ADD COLUMN criterion_flexible TEXT NOT NULL DEFAULT 'unknown'
  CHECK (criterion_flexible IN ('yes', 'no', 'unknown'));
ALTER TABLE places ADD COLUMN criterion_broadband TEXT NOT NULL DEFAULT 'unknown'
  CHECK (criterion_broadband IN ('yes', 'no', 'unknown'));
ALTER TABLE places ADD COLUMN criterion_human_welcome TEXT NOT NULL DEFAULT 'unknown'
  CHECK (criterion_human_welcome IN ('yes', 'no', 'unknown'));
ALTER TABLE places ADD COLUMN criterion_collective_governance TEXT NOT NULL DEFAULT 'unknown'
  CHECK (criterion_collective_governance IN ('yes', 'no', 'unknown'));
ALTER TABLE places ADD COLUMN charter_version TEXT;
ALTER TABLE places ADD COLUMN charter_signed_on TEXT;
ALTER TABLE places ADD COLUMN charter_signatory TEXT;
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
)sql",
    // 10: the network's contacts and targets, and its events with registration (issue #17). Nothing is deleted:
    // a person's erasure blanks their personal fields and keeps the rows (the counts stay).
    R"sql(
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
)sql",
    // 11: itinerant tiers-lieux (issue #18): a vehicle's details and its stops, each with its hours in the
    // OpenStreetMap opening_hours syntax; every change of the timetable keeps the one before (append-only), and a
    // funding call says whether a stop nearby makes an area ineligible for a creation.
    R"sql(
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
ALTER TABLE calls ADD COLUMN itinerant_stops TEXT NOT NULL DEFAULT 'ignore' CHECK (itinerant_stops IN ('ignore', 'block'));
)sql",
    // 12: what-if scenarios saved under a name (issue #19): the date and the list of changes, replayed on opening;
    // shared by an unguessable key.
    R"sql(
CREATE TABLE scenarios (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  date TEXT NOT NULL,
  changes_json TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
};

// The columns of `places`, in the order of the field table (fields(): the stored ones), then the two derived search
// columns.
const std::vector<Field>& stored_fields() {
  static const std::vector<Field> v = [] {
    std::vector<Field> out;
    for (auto& d : fields())
      if (d.sql != FieldDef::Sql::None) out.push_back(d.field);
    return out;
  }();
  return v;
}

const std::string& columns() {
  static const std::string c = [] {
    std::string out;
    for (auto f : stored_fields()) out += (out.empty() ? "" : ", ") + std::string(field_def(f).name);
    return out;
  }();
  return c;
}

Place read_place(const sqlite::Statement& st) {
  Place p;
  int c = 0;
  for (auto f : stored_fields()) {
    SqlValue v;
    if (!st.is_null(c)) {
      switch (field_def(f).sql) {
        case FieldDef::Sql::Integer: v = st.int64(c); break;
        case FieldDef::Sql::Real: v = st.real(c); break;
        default: v = st.text(c);
      }
    }
    set_sql_value(p, f, v);
    ++c;
  }
  return p;
}

}  // namespace

struct PlaceStore::Cache {
  sqlite::Statement get, insert, update, history, revision, by_siret, by_name, by_folded;
};

PlaceStore::PlaceStore(const std::string& path, const territory::CommuneTable* communes, bool create)
    : communes_(communes), cache_(std::make_unique<Cache>()) {
  db_ = std::make_unique<sqlite::Database>(
      path, create ? sqlite::Database::Mode::ReadWriteCreate : sqlite::Database::Mode::ReadWrite);
  db_->exec(
      "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32000; "
      "PRAGMA temp_store = MEMORY;");
  migrate();
  auto& c = *cache_;
  c.get = db_->prepare(fmt::format("SELECT {} FROM places WHERE id = ?", columns()));
  const int n = static_cast<int>(stored_fields().size()) + 2;  // and name_folded, search_text
  std::string params;
  for (int i = 1; i <= n; ++i) params += (i > 1 ? ", ?" : "?");
  c.insert =
      db_->prepare(fmt::format("INSERT INTO places ({}, name_folded, search_text) VALUES ({})", columns(), params));
  c.update = db_->prepare(
      fmt::format("UPDATE places SET ({}, name_folded, search_text) = ({}) WHERE id = ?{}", columns(), params, n + 1));
  c.history = db_->prepare(
      "INSERT INTO place_history (revision, place_id, action, at, origin, before_json) VALUES (?, ?, ?, ?, ?, ?)");
  c.revision = db_->prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'");
  c.by_siret = db_->prepare("SELECT id FROM places WHERE siret = ? ORDER BY id");
  c.by_name = db_->prepare("SELECT id FROM places WHERE name_folded = ? AND insee_code = ? ORDER BY id");
  c.by_folded = db_->prepare("SELECT id, name, lon, lat FROM places WHERE name_folded = ? ORDER BY id");
}

PlaceStore::~PlaceStore() = default;

int PlaceStore::schema_version() {
  auto st = db_->prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

void PlaceStore::migrate() {
  int version = schema_version();
  constexpr int latest = static_cast<int>(std::size(kMigrations));
  if (version > latest)
    throw Error(fmt::format("{}: database schema version {} is newer than this maillage understands ({})", db_->path(),
                            version, latest));
  if (version == latest) return;  // nothing to write: opening a current database changes no byte
  db_->exec("PRAGMA journal_mode = WAL");
  for (int v = version; v < latest; ++v) {
    sqlite::Transaction t(*db_);
    // Another process may have migrated while we waited for the write lock.
    if (schema_version() > v) continue;
    db_->exec(kMigrations[v]);
    db_->exec(fmt::format("PRAGMA user_version = {}", v + 1));
    t.commit();
  }
}

int64_t PlaceStore::revision() {
  auto& st = cache_->revision;
  st.step();
  int64_t r = st.int64(0);
  st.reset();
  return r;
}

int64_t PlaceStore::count_all() {
  auto st = db_->prepare("SELECT count(*) FROM places");
  st.step();
  return st.int64(0);
}

int64_t PlaceStore::next_revision() {
  db_->exec("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'");
  return revision();
}

std::string PlaceStore::search_text(const Place& p) const {
  std::string s = p.name + ' ' + p.address + ' ' + p.id + ' ' + p.insee_code;
  if (communes_)
    if (auto* c = communes_->find(p.insee_code)) s += ' ' + c->name;
  return ' ' + text::fold(s) + ' ';
}

void PlaceStore::bind_place(sqlite::Statement& st, const Place& p) {
  int i = 0;
  for (auto f : stored_fields()) {
    auto v = sql_value(p, f);
    ++i;
    if (auto* x = std::get_if<int64_t>(&v))
      st.bind(i, *x);
    else if (auto* r = std::get_if<double>(&v))
      st.bind(i, *r);
    else if (auto* t = std::get_if<std::string>(&v))
      st.bind(i, *t);
    else
      st.bind_null(i);
  }
  st.bind(++i, text::fold(p.name), false);
  st.bind(++i, search_text(p), false);
}

void PlaceStore::append_history(const std::string& id, const Place* before, const std::string& origin,
                                const std::string& at, int64_t revision) {
  auto& st = cache_->history;
  st.bind(1, revision);
  st.bind(2, id);
  st.bind(3, before ? "update" : "insert");
  st.bind(4, at);
  st.bind(5, origin);
  if (before)
    st.bind(6, to_json(*before, true, {}, true).dump());
  else
    st.bind_null(6);
  st.run();
}

void PlaceStore::insert(Place& p, int64_t revision, const std::string& origin) {
  if (p.id.empty()) p.id = make_id(p);
  p.created_at = p.updated_at = date::now_utc();
  auto& st = cache_->insert;
  bind_place(st, p);
  st.run();
  append_history(p.id, nullptr, origin, p.updated_at, revision);
}

void PlaceStore::update(const Place& before, Place& after, int64_t revision, const std::string& origin) {
  after.id = before.id;
  after.created_at = before.created_at;
  after.updated_at = date::now_utc();
  auto& st = cache_->update;
  bind_place(st, after);
  st.bind(static_cast<int>(stored_fields().size()) + 3, before.id);
  st.run();
  append_history(after.id, &before, origin, after.updated_at, revision);
}

std::string PlaceStore::make_id(const Place& p) {
  std::string slug = text::fold(p.name);
  for (char& c : slug)
    if (c == ' ') c = '-';
  if (slug.size() > 40) slug.resize(40);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  std::string base = (p.insee_code.empty() ? std::string("tl") : p.insee_code) + (slug.empty() ? "" : "-" + slug);
  std::string id = base;
  for (int n = 2; get(id); ++n) id = base + "-" + std::to_string(n);
  return id;
}

std::optional<Place> PlaceStore::get(const std::string& id) {
  auto& st = cache_->get;
  st.bind(1, id, false);
  std::optional<Place> out;
  if (st.step()) out = read_place(st);
  st.reset();
  return out;
}

namespace {
std::vector<std::string> collect_ids(sqlite::Statement& st) {
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  st.reset();
  return out;
}

// The one definition of what a filter selects; `search` is the place's folded search text.
bool matches(const PlaceFilter& f, const std::vector<std::string>& words, const Place& p, const std::string& search,
             const std::string& listing_date, const std::string& charter) {
  if (f.types_any && !(p.types & f.types_any)) return false;
  if (f.fixed_only && is_itinerant(p)) return false;
  if (f.status && p.status != *f.status) return false;
  if (!f.department.empty() && p.insee_code.compare(0, f.department.size(), f.department) != 0) return false;
  if (!f.insee_code.empty() && p.insee_code != f.insee_code) return false;
  for (auto& w : words)
    if (search.find(w) == std::string::npos) return false;
  if (!f.open_on.empty() && !p.open_on(f.open_on)) return false;
  if (f.listed && listing(p, listing_date, charter).listed != *f.listed) return false;
  if (f.bbox && (!p.lon || *p.lon < f.bbox->min_lon || *p.lon > f.bbox->max_lon || *p.lat < f.bbox->min_lat ||
                 *p.lat > f.bbox->max_lat))
    return false;
  return true;
}
}  // namespace

std::shared_ptr<const PlaceStore::Snapshot> PlaceStore::snapshot() {
  bool own_txn = sqlite3_get_autocommit(db_->handle()) != 0;
  if (own_txn) db_->exec("BEGIN");  // revision and rows from one consistent read
  try {
    int64_t rev = revision();
    auto day = date::today();
    if (!snapshot_ || snapshot_->revision != rev || snapshot_->day != day) {
      auto snap = std::make_shared<Snapshot>();
      snap->revision = rev;
      snap->day = day;
      snap->charter = current_charter(*db_, day);
      auto st = db_->prepare(fmt::format("SELECT {}, search_text FROM places ORDER BY name_folded, id", columns()));
      const int search_column = static_cast<int>(stored_fields().size());
      while (st.step()) {
        snap->places.push_back(read_place(st));
        snap->search.push_back(st.text(search_column));
      }
      snapshot_ = std::move(snap);
    }
    if (own_txn) db_->exec("COMMIT");
  } catch (...) {
    if (own_txn) db_->exec("ROLLBACK");
    throw;
  }
  return snapshot_;
}

PlaceStore::Selection PlaceStore::select(const PlaceFilter& f) {
  Selection out;
  out.snapshot = snapshot();
  auto& snap = *out.snapshot;
  auto words = text::split_list(text::fold(f.text), " ");
  std::string listing_date = f.open_on.empty() ? snap.day : f.open_on;
  std::string charter = !f.listed           ? std::string()
                        : f.open_on.empty() ? snap.charter
                                            : current_charter(*db_, listing_date);
  for (size_t i = 0; i < snap.places.size(); ++i) {
    if (!matches(f, words, snap.places[i], snap.search[i], listing_date, charter)) continue;
    if (out.total++ >= f.offset && (f.limit <= 0 || static_cast<int64_t>(out.page.size()) < f.limit))
      out.page.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

std::vector<Place> PlaceStore::list(const PlaceFilter& f) {
  auto sel = select(f);
  std::vector<Place> out;
  out.reserve(sel.page.size());
  for (auto i : sel.page) out.push_back(sel.snapshot->places[i]);
  return out;
}

int64_t PlaceStore::count(const PlaceFilter& f) { return select(f).total; }

std::string PlaceStore::charter_in_force() { return snapshot()->charter; }

std::vector<std::string> PlaceStore::ids_by_siret(const std::string& siret) {
  cache_->by_siret.bind(1, siret, false);
  return collect_ids(cache_->by_siret);
}

std::vector<std::string> PlaceStore::ids_by_name_commune(const std::string& name, const std::string& insee) {
  cache_->by_name.bind(1, text::fold(name), false).bind(2, insee, false);
  return collect_ids(cache_->by_name);
}

std::vector<PlaceStore::NamedPoint> PlaceStore::by_folded_name(const std::string& folded) {
  auto& st = cache_->by_folded;
  st.bind(1, folded, false);
  std::vector<NamedPoint> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), {st.real(2), st.real(3)}});
  st.reset();
  return out;
}

std::vector<HistoryEntry> PlaceStore::history(const std::string& place_id) {
  auto st = db_->prepare(
      "SELECT revision, place_id, action, at, origin, before_json FROM place_history WHERE place_id = ? ORDER BY seq");
  st.bind(1, place_id, false);
  std::vector<HistoryEntry> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)});
  return out;
}

}  // namespace maillage::registry
