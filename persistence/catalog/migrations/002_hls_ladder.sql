-- The HLS ladder made from each upload: one JSON object per rendition
-- ({name, width, height, bandwidth_bps}); NULL until one was made (videos
-- made ready before transcoding existed get theirs in the background).
ALTER TABLE videos ADD COLUMN renditions jsonb;
-- How far transcoding is, 0-100, while the video is processing.
ALTER TABLE videos ADD COLUMN processing_progress smallint NOT NULL DEFAULT 0
  CHECK (processing_progress BETWEEN 0 AND 100);
CREATE INDEX videos_ready_without_ladder ON videos (created_at_ms)
  WHERE status = 'ready' AND renditions IS NULL;
