-- Version 5: weekly series of bookings (the id of the series' first booking; NULL for a booking alone).
ALTER TABLE bookings ADD COLUMN series_id INTEGER REFERENCES bookings(id);
CREATE INDEX bookings_series ON bookings (series_id, starts);
