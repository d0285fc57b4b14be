-- Raw facts (each kept once by its id) and the daily rollup per video that
-- the dashboards read. Days are UTC days since 1970-01-01.
CREATE TABLE outbox_cursor (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  cursor text NOT NULL
);

CREATE TABLE money (
  transaction_id text PRIMARY KEY,
  kind text NOT NULL,
  user_id text NOT NULL,
  creator_id text NOT NULL,
  session_id text NOT NULL,
  video_id text NOT NULL,
  minute_index bigint NOT NULL,
  amount_cents bigint NOT NULL,
  creator_cents bigint NOT NULL,
  fee_cents bigint NOT NULL,
  day integer NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX money_video_day ON money (video_id, day);

CREATE TABLE sessions (
  session_id text PRIMARY KEY,
  video_id text NOT NULL,
  viewer_id text NOT NULL,
  owner_id text NOT NULL,
  duration_ms bigint NOT NULL,
  day integer NOT NULL,
  billed_ms bigint NOT NULL,
  max_position_ms bigint NOT NULL,
  ended boolean NOT NULL
);
CREATE INDEX sessions_video_day ON sessions (video_id, day);

CREATE TABLE views (
  session_id text PRIMARY KEY,
  video_id text NOT NULL,
  viewer_id text NOT NULL,
  owner_id text NOT NULL,
  day integer NOT NULL
);
CREATE INDEX views_owner_day ON views (owner_id, day);
CREATE INDEX views_video_day ON views (video_id, day);

CREATE TABLE users (
  user_id text PRIMARY KEY,
  role text NOT NULL
);

CREATE TABLE videos (
  video_id text PRIMARY KEY,
  owner_id text NOT NULL,
  title text NOT NULL,
  duration_ms bigint NOT NULL,
  deleted boolean NOT NULL
);

CREATE TABLE video_day (
  video_id text NOT NULL,
  day integer NOT NULL,
  owner_id text NOT NULL,
  views bigint NOT NULL,
  unique_viewers bigint NOT NULL,
  watched_ms bigint NOT NULL,
  revenue_cents bigint NOT NULL,
  fee_cents bigint NOT NULL,
  PRIMARY KEY (video_id, day)
);
CREATE INDEX video_day_owner ON video_day (owner_id, day);
