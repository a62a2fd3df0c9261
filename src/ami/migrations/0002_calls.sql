-- Version 2: funding calls (AMI), applications and their append-only event log.
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
