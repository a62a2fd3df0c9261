-- Version 4: booking (src/booking): opening hours, resources, members, trainings, bookings and their events; tokens
-- gain the member and manager roles (the table is rebuilt: SQLite cannot change a CHECK constraint).
CREATE TABLE opening_hours (
  place_id TEXT NOT NULL REFERENCES places(id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),  -- 1 = Monday
  opens TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
  closes TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]' AND closes > opens),
  PRIMARY KEY (place_id, weekday, opens)
);
CREATE TABLE closure_days (
  place_id TEXT NOT NULL REFERENCES places(id),
  day TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (place_id, day)
);
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  place_id TEXT NOT NULL REFERENCES places(id),
  kind TEXT NOT NULL CHECK (kind IN ('desk', 'room', 'machine')),
  desk_kind TEXT CHECK ((kind = 'desk') = (desk_kind IN ('permanent', 'dropin', 'training'))),
  name TEXT NOT NULL,
  units INTEGER NOT NULL CHECK (units >= 1),          -- bookable at once: desks of the pool, 1 room, machines
  people INTEGER,                                     -- a room's capacity
  training_required INTEGER NOT NULL DEFAULT 0,
  price_hour REAL, price_half_day REAL, price_day REAL, price_month REAL,
  cancel_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_hours >= 0),
  auto_confirm INTEGER NOT NULL DEFAULT 1,
  UNIQUE (place_id, name)
);
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE memberships (
  member_id INTEGER NOT NULL REFERENCES members(id),
  place_id TEXT NOT NULL REFERENCES places(id),
  plan TEXT NOT NULL DEFAULT 'standard',
  discount_pct REAL NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 100),
  PRIMARY KEY (member_id, place_id)
);
CREATE TABLE trainings (
  member_id INTEGER NOT NULL REFERENCES members(id),
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  valid_until TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  PRIMARY KEY (member_id, resource_id)
);
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  unit TEXT NOT NULL CHECK (unit IN ('hour', 'half_day', 'day', 'month')),
  starts TEXT NOT NULL,  -- local time (Europe/Paris), YYYY-MM-DDTHH:MM
  ends TEXT NOT NULL CHECK (ends > starts),
  quantity REAL NOT NULL,  -- units billed (hours, half-days, days, months)
  status TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'cancelled', 'no_show')),
  plan TEXT NOT NULL,
  unit_price REAL, discount_pct REAL NOT NULL DEFAULT 0, amount REAL,
  recorded_by TEXT,   -- a manager who booked on behalf of the member (phone, e-mail), else NULL
  channel TEXT NOT NULL DEFAULT 'self',
  created_at TEXT NOT NULL
);
CREATE INDEX bookings_resource_time ON bookings (resource_id, ends, starts);
CREATE INDEX bookings_member ON bookings (member_id, starts);
CREATE TABLE booking_events (
  id INTEGER PRIMARY KEY,
  booking_id INTEGER NOT NULL REFERENCES bookings(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE TRIGGER booking_events_no_update BEFORE UPDATE ON booking_events
  BEGIN SELECT RAISE(ABORT, 'booking_events is append-only'); END;
CREATE TRIGGER booking_events_no_delete BEFORE DELETE ON booking_events
  BEGIN SELECT RAISE(ABORT, 'booking_events is append-only'); END;
CREATE TRIGGER bookings_no_delete BEFORE DELETE ON bookings
  BEGIN SELECT RAISE(ABORT, 'bookings are never deleted (cancel them)'); END;
