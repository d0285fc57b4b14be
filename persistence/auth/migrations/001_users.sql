CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL,
  email_lower   text NOT NULL,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('viewer', 'creator', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_key ON users (email_lower);
