-- Version 7: verdicts with their margin (issue #15): how a call applies the profile's error, and the instructing
-- officer's confirmation of a creation eligibility found "to verify" (set once).
ALTER TABLE calls ADD COLUMN margin TEXT NOT NULL DEFAULT 'median' CHECK (margin IN ('none', 'median', 'p90'));
ALTER TABLE applications ADD COLUMN eligibility_confirmed TEXT
  CHECK (eligibility_confirmed IS NULL OR eligibility_confirmed IN ('eligible', 'not_eligible'));
CREATE TRIGGER applications_confirmation_frozen BEFORE UPDATE ON applications
  WHEN OLD.eligibility_confirmed IS NOT NULL AND NEW.eligibility_confirmed IS NOT OLD.eligibility_confirmed
  BEGIN SELECT RAISE(ABORT, 'a confirmed eligibility is never rewritten'); END;
