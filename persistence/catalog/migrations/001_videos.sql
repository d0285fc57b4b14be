CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE videos (
  id                     text PRIMARY KEY,
  owner_id               text NOT NULL,
  owner_display_name     text NOT NULL,
  title                  text NOT NULL,
  description            text NOT NULL DEFAULT '',
  category               text NOT NULL,
  price_per_minute_cents bigint NOT NULL
                         CHECK (price_per_minute_cents BETWEEN 0 AND 100000),
  duration_ms            bigint NOT NULL DEFAULT 0,
  status                 text NOT NULL
                         CHECK (status IN ('processing', 'ready', 'failed', 'deleted')),
  failure_reason         text NOT NULL DEFAULT '',
  file_name              text NOT NULL,
  mime_type              text NOT NULL,
  size_bytes             bigint NOT NULL,
  video_codec            text NOT NULL DEFAULT '',
  audio_codec            text NOT NULL DEFAULT '',
  width                  integer NOT NULL DEFAULT 0,
  height                 integer NOT NULL DEFAULT 0,
  views                  bigint NOT NULL DEFAULT 0,
  created_at_ms          bigint NOT NULL,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  deleted_at             timestamptz
);

-- One index per public sort, in keyset order, over ready videos only.
CREATE INDEX videos_ready_new ON videos (created_at_ms DESC, id DESC)
  WHERE status = 'ready';
CREATE INDEX videos_ready_popular ON videos (views DESC, id DESC)
  WHERE status = 'ready';
CREATE INDEX videos_ready_price ON videos (price_per_minute_cents, id)
  WHERE status = 'ready';
CREATE INDEX videos_ready_category ON videos (category, created_at_ms DESC, id DESC)
  WHERE status = 'ready';
CREATE INDEX videos_processing ON videos (created_at_ms)
  WHERE status = 'processing';
CREATE INDEX videos_owner ON videos (owner_id, created_at_ms DESC, id DESC)
  WHERE status <> 'deleted';
-- `q` is a case-insensitive substring of title and description.
CREATE INDEX videos_ready_search ON videos
  USING gin ((title || ' ' || description) gin_trgm_ops)
  WHERE status = 'ready';

CREATE TABLE video_views (
  video_id   text NOT NULL,
  session_id text NOT NULL,
  counted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, session_id)
);
