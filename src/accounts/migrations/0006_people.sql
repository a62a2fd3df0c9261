-- Version 6: people (src/accounts): accounts and their roles, sessions, one-time keys (invitation, reset,
-- verification), failed sign-ins, which places accept self-registration; the mail outbox (src/mail); the audit log
-- of every write; tokens gain an expiry and their creator.
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
