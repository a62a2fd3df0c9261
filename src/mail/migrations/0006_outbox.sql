-- Version 6: people (src/accounts): accounts and their roles, sessions, one-time keys (invitation, reset,
-- verification), failed sign-ins, which places accept self-registration; the mail outbox (src/mail); the audit log
-- of every write; tokens gain an expiry and their creator.
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
