CREATE TABLE sessions (
  id                text PRIMARY KEY,
  viewer_id         text NOT NULL,
  video_id          text NOT NULL,
  owner_id          text NOT NULL,
  title             text NOT NULL,
  duration_ms       bigint NOT NULL CHECK (duration_ms >= 0),
  price_cents       bigint NOT NULL CHECK (price_cents >= 0),
  fee_bps           bigint NOT NULL CHECK (fee_bps BETWEEN 0 AND 10000),
  state             text NOT NULL
                    CHECK (state IN ('active', 'payment_required', 'ended')),
  end_reason        text CHECK (end_reason IN ('viewer', 'timeout', 'video_deleted')),
  started_at_ms     bigint NOT NULL,
  ended_at_ms       bigint,
  minutes_paid      bigint NOT NULL CHECK (minutes_paid >= 0),
  charged_cents     bigint NOT NULL CHECK (charged_cents >= 0),
  billed_ms         bigint NOT NULL CHECK (billed_ms >= 0),
  position_ms       bigint NOT NULL CHECK (position_ms >= 0),
  playing           boolean NOT NULL,
  last_heartbeat_ms bigint NOT NULL,
  last_seq          bigint NOT NULL,
  balance_cents     bigint NOT NULL,
  view_counted      boolean NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'ended') = (ended_at_ms IS NOT NULL AND end_reason IS NOT NULL))
);
CREATE INDEX sessions_viewer_started ON sessions (viewer_id, started_at_ms DESC, id DESC);
CREATE INDEX sessions_live ON sessions (state) WHERE state <> 'ended';
CREATE INDEX sessions_video ON sessions (video_id);
