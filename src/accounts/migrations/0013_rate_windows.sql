-- Rate limits shared by every server on the database (issue #30): one row per (scope, key) with the start of
-- its fixed window and the requests counted in it. Keys are client addresses and e-mail addresses: a row is
-- deleted once its window ended (at the next request of its scope) and with the account it names.
CREATE TABLE rate_windows (
  scope TEXT NOT NULL,  -- which limit: 'mail_by_address', 'mail_by_recipient', 'contributions', 'registrations'
  key TEXT NOT NULL,
  window_start INTEGER NOT NULL,  -- Unix time
  hits INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX rate_windows_by_start ON rate_windows (scope, window_start);
