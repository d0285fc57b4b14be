-- The time spans of the video each session has received (the paid window),
-- as "begin-end,begin-end,..." in milliseconds.
ALTER TABLE sessions ADD COLUMN delivered text NOT NULL DEFAULT '';
