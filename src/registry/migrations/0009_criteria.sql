-- Version 9: the network's charter and the Région's five criteria (issue #17): a place is listed ("référencé") when
-- it is open, signed the current charter and meets the five criteria. The criteria and the last signature are fields
-- of the place (their history is the place's); the charter's versions are append-only.
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
