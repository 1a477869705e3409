-- migrate:up
-- The room version at which the playback timeline last changed (play, pause, seek, skip, track
-- change). Playback commands say which timeline they were based on; older ones are STALE.
ALTER TABLE rooms ADD COLUMN timeline_version bigint NOT NULL DEFAULT 0;

-- migrate:down
ALTER TABLE rooms DROP COLUMN timeline_version;
