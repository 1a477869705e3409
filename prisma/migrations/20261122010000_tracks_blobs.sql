-- migrate:up
CREATE TYPE "TrackVisibility" AS ENUM ('private', 'unlisted', 'public');
CREATE TYPE "ProcessingStatus" AS ENUM ('pending', 'ready', 'failed');

CREATE TABLE blobs (
	sha256 text PRIMARY KEY,
	size_bytes bigint NOT NULL,
	mime_type text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE tracks (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	blob_sha256 text NOT NULL REFERENCES blobs (sha256) ON DELETE RESTRICT,
	title text NOT NULL,
	artist text NOT NULL,
	album text,
	album_artist text,
	track_no integer,
	year integer,
	genre text,
	duration_ms integer NOT NULL,
	container text NOT NULL,
	codec text NOT NULL,
	mime_type text NOT NULL,
	bitrate integer,
	sample_rate integer,
	channels integer,
	size_bytes bigint NOT NULL,
	visibility "TrackVisibility" NOT NULL DEFAULT 'private',
	cover_sha256 text,
	waveform jsonb,
	processing_status "ProcessingStatus" NOT NULL DEFAULT 'pending',
	processing_error text,
	processing_attempts integer NOT NULL DEFAULT 0,
	processing_started_at timestamptz(3),
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX tracks_owner_id_idx ON tracks (owner_id);
CREATE INDEX tracks_blob_sha256_idx ON tracks (blob_sha256);
CREATE INDEX tracks_processing_status_idx ON tracks (processing_status);

-- migrate:down
DROP TABLE tracks;
DROP TABLE blobs;
DROP TYPE "ProcessingStatus";
DROP TYPE "TrackVisibility";
