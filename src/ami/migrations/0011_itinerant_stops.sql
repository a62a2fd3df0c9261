-- Version 11: itinerant tiers-lieux (issue #18): a vehicle's details and its stops, each with its hours in the
-- OpenStreetMap opening_hours syntax; every change of the timetable keeps the one before (append-only), and a
-- funding call says whether a stop nearby makes an area ineligible for a creation.
ALTER TABLE calls ADD COLUMN itinerant_stops TEXT NOT NULL DEFAULT 'ignore' CHECK (itinerant_stops IN ('ignore', 'block'));
