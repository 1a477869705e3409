-- migrate:up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change), but indexes need IMMUTABLE; the
-- dictionary is fixed here, which is the documented way to index it.
CREATE FUNCTION chorus_fold(text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
	AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

ALTER TABLE tracks
	ADD COLUMN album_id text,
	ADD COLUMN like_count integer NOT NULL DEFAULT 0,
	ADD COLUMN play_count integer NOT NULL DEFAULT 0;

CREATE INDEX tracks_album_id_idx ON tracks (album_id);
CREATE INDEX tracks_created_at_idx ON tracks (created_at);
CREATE INDEX tracks_play_count_idx ON tracks (play_count);
CREATE INDEX tracks_like_count_idx ON tracks (like_count);

-- Search (Prisma cannot express these; *_sql_idx tells the drift test so).
-- Full text over folded (lower-case, accent-free) words, weighted title > artist > album > genre:
CREATE INDEX tracks_fts_sql_idx ON tracks USING gin ((
	setweight(to_tsvector('simple', chorus_fold(title)), 'A') ||
	setweight(to_tsvector('simple', chorus_fold(artist)), 'B') ||
	setweight(to_tsvector('simple', chorus_fold(coalesce(album, ''))), 'C') ||
	setweight(to_tsvector('simple', chorus_fold(coalesce(genre, ''))), 'D')
));
-- Trigram similarity for typos and prefixes, per field (autocomplete) and combined (search):
CREATE INDEX tracks_search_trgm_sql_idx ON tracks USING gin (
	(chorus_fold(title || ' ' || artist || ' ' || coalesce(album, ''))) gin_trgm_ops
);
CREATE INDEX tracks_title_trgm_sql_idx ON tracks USING gin ((chorus_fold(title)) gin_trgm_ops);
CREATE INDEX tracks_artist_trgm_sql_idx ON tracks USING gin ((chorus_fold(artist)) gin_trgm_ops);
CREATE INDEX tracks_album_trgm_sql_idx ON tracks USING gin ((chorus_fold(album)) gin_trgm_ops);
CREATE INDEX tracks_genre_sql_idx ON tracks ((chorus_fold(genre)));
CREATE INDEX tracks_artist_sql_idx ON tracks ((chorus_fold(artist)));

CREATE TABLE track_likes (
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, track_id)
);
CREATE INDEX track_likes_track_id_idx ON track_likes (track_id);

-- One row per listening session; counted_at is set once it qualified as a play.
CREATE TABLE plays (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
	started_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now(),
	position_ms integer NOT NULL DEFAULT 0,
	listened_ms integer NOT NULL DEFAULT 0,
	counted_at timestamptz(3)
);
CREATE INDEX plays_user_id_updated_at_idx ON plays (user_id, updated_at);
CREATE INDEX plays_user_id_track_id_counted_at_idx ON plays (user_id, track_id, counted_at);
CREATE INDEX plays_track_id_idx ON plays (track_id);

CREATE TABLE playlists (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX playlists_owner_id_idx ON playlists (owner_id);

CREATE TABLE playlist_items (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	playlist_id uuid NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
	track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
	position integer NOT NULL,
	added_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX playlist_items_playlist_id_position_idx ON playlist_items (playlist_id, position);
CREATE INDEX playlist_items_track_id_idx ON playlist_items (track_id);

-- migrate:down
DROP TABLE playlist_items;
DROP TABLE playlists;
DROP TABLE plays;
DROP TABLE track_likes;
DROP INDEX tracks_artist_sql_idx, tracks_genre_sql_idx, tracks_album_trgm_sql_idx,
	tracks_artist_trgm_sql_idx, tracks_title_trgm_sql_idx, tracks_search_trgm_sql_idx,
	tracks_fts_sql_idx, tracks_like_count_idx, tracks_play_count_idx, tracks_created_at_idx,
	tracks_album_id_idx;
ALTER TABLE tracks DROP COLUMN play_count, DROP COLUMN like_count, DROP COLUMN album_id;
DROP FUNCTION chorus_fold(text);
