-- Version 6: people (src/accounts): accounts and their roles, sessions, one-time keys (invitation, reset,
-- verification), failed sign-ins, which places accept self-registration; the mail outbox (src/mail); the audit log
-- of every write; tokens gain an expiry and their creator.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
