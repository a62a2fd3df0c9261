-- Version 4: booking (src/booking): opening hours, resources, members, trainings, bookings and their events; tokens
-- gain the member and manager roles (the table is rebuilt: SQLite cannot change a CHECK constraint).
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
