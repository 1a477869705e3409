-- migrate:up
-- Typo tolerance. A query word is compared with the distinct words of the library (thousands)
-- instead of every track (millions): search_words holds them, per visibility scope, kept in step
-- with tracks by the triggers below (every path that changes tracks, cascades included).
-- Search shortlists candidates with chorus_typo_candidates(), measures the exact typo distance in
-- apps/web/src/lib/server/library/typos.ts and matches the chosen words with the full-text index.
CREATE TABLE search_words (
	-- A lexeme of a track's search vector (tracks_fts_sql_idx): folded, as to_tsvector splits.
	word text NOT NULL,
	-- Who may see the tracks it comes from: the nil uuid for public tracks (everyone), else the
	-- owner of private and unlisted ones. Words are shortlisted only from the searcher's scopes.
	scope uuid NOT NULL,
	-- How many tracks of the scope have the word; the row is deleted when none is left.
	track_count integer NOT NULL,
	PRIMARY KEY (word, scope)
);
CREATE INDEX search_words_word_trgm_sql_idx ON search_words USING gin (word gin_trgm_ops);

-- Search no longer matches trigrams of whole tracks (typos go through search_words).
DROP INDEX tracks_search_trgm_sql_idx;

-- The distinct lexemes of a track's search vector: the expression of tracks_fts_sql_idx
-- without its weights.
CREATE FUNCTION chorus_track_words(title text, artist text, album text, genre text)
	RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT tsvector_to_array(
		to_tsvector('simple', chorus_fold(title)) ||
		to_tsvector('simple', chorus_fold(artist)) ||
		to_tsvector('simple', chorus_fold(coalesce(album, ''))) ||
		to_tsvector('simple', chorus_fold(coalesce(genre, '')))
	) $$;

CREATE FUNCTION chorus_search_scope(visibility "TrackVisibility", owner_id uuid)
	RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN visibility = 'public' THEN '00000000-0000-0000-0000-000000000000'::uuid
		ELSE owner_id END $$;

-- Adds signed counts (words[i] in scopes[i] by deltas[i]) and deletes the rows that reach 0.
-- Rows are written in (word, scope) order, so transactions touching the same words (parallel
-- uploads of one album) wait for each other instead of deadlocking.
CREATE FUNCTION chorus_search_words_add(words text[], scopes uuid[], deltas integer[])
	RETURNS void LANGUAGE plpgsql
AS $$
DECLARE
	gone_words text[];
	gone_scopes uuid[];
BEGIN
	WITH changed AS (
		INSERT INTO search_words AS s (word, scope, track_count)
		SELECT d.word, d.scope, sum(d.delta) FROM unnest(words, scopes, deltas) d (word, scope, delta)
		GROUP BY d.word, d.scope HAVING sum(d.delta) <> 0
		ORDER BY d.word, d.scope
		ON CONFLICT (word, scope) DO UPDATE SET track_count = s.track_count + excluded.track_count
		RETURNING s.word, s.scope, s.track_count
	)
	SELECT array_agg(c.word), array_agg(c.scope) INTO gone_words, gone_scopes
	FROM changed c WHERE c.track_count <= 0;
	IF gone_words IS NOT NULL THEN
		DELETE FROM search_words s USING unnest(gone_words, gone_scopes) g (word, scope)
		WHERE s.word = g.word AND s.scope = g.scope;
	END IF;
END $$;

-- Inserts and deletes: once per statement, over all its rows (a bulk load or an account's
-- deletion is one aggregate, not one call per track).
CREATE FUNCTION chorus_search_words_rows() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
	words text[];
	scopes uuid[];
	deltas integer[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(x.word), array_agg(x.scope), array_agg(x.n) INTO words, scopes, deltas
		FROM (
			SELECT w AS word, chorus_search_scope(t.visibility, t.owner_id) AS scope, count(*)::int AS n
			FROM new_tracks t, unnest(chorus_track_words(t.title, t.artist, t.album, t.genre)) w
			GROUP BY 1, 2
		) x;
	ELSE
		SELECT array_agg(x.word), array_agg(x.scope), array_agg(x.n) INTO words, scopes, deltas
		FROM (
			SELECT w AS word, chorus_search_scope(t.visibility, t.owner_id) AS scope, -count(*)::int AS n
			FROM old_tracks t, unnest(chorus_track_words(t.title, t.artist, t.album, t.genre)) w
			GROUP BY 1, 2
		) x;
	END IF;
	IF words IS NOT NULL THEN
		PERFORM chorus_search_words_add(words, scopes, deltas);
	END IF;
	RETURN NULL;
END $$;

-- Updates: per row, and only when a searched field or the scope changed (the WHEN of the
-- trigger), so play and like counters never pay for it.
CREATE FUNCTION chorus_search_words_update() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
	old_words text[] := chorus_track_words(OLD.title, OLD.artist, OLD.album, OLD.genre);
	new_words text[] := chorus_track_words(NEW.title, NEW.artist, NEW.album, NEW.genre);
BEGIN
	PERFORM chorus_search_words_add(
		old_words || new_words,
		array_fill(chorus_search_scope(OLD.visibility, OLD.owner_id), ARRAY[cardinality(old_words)])
			|| array_fill(chorus_search_scope(NEW.visibility, NEW.owner_id), ARRAY[cardinality(new_words)]),
		array_fill(-1, ARRAY[cardinality(old_words)]) || array_fill(1, ARRAY[cardinality(new_words)])
	);
	RETURN NULL;
END $$;

CREATE FUNCTION chorus_search_words_truncate() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN TRUNCATE search_words; RETURN NULL; END $$;

CREATE TRIGGER tracks_search_words_insert AFTER INSERT ON tracks
	REFERENCING NEW TABLE AS new_tracks
	FOR EACH STATEMENT EXECUTE FUNCTION chorus_search_words_rows();
CREATE TRIGGER tracks_search_words_delete AFTER DELETE ON tracks
	REFERENCING OLD TABLE AS old_tracks
	FOR EACH STATEMENT EXECUTE FUNCTION chorus_search_words_rows();
CREATE TRIGGER tracks_search_words_update
	AFTER UPDATE OF title, artist, album, genre, visibility, owner_id ON tracks
	FOR EACH ROW WHEN (
		OLD.title IS DISTINCT FROM NEW.title OR OLD.artist IS DISTINCT FROM NEW.artist
		OR OLD.album IS DISTINCT FROM NEW.album OR OLD.genre IS DISTINCT FROM NEW.genre
		OR OLD.visibility IS DISTINCT FROM NEW.visibility OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
	)
	EXECUTE FUNCTION chorus_search_words_update();
CREATE TRIGGER tracks_search_words_truncate AFTER TRUNCATE ON tracks
	FOR EACH STATEMENT EXECUTE FUNCTION chorus_search_words_truncate();

INSERT INTO search_words (word, scope, track_count)
SELECT w, chorus_search_scope(t.visibility, t.owner_id), count(*)
FROM tracks t, unnest(chorus_track_words(t.title, t.artist, t.album, t.genre)) w
GROUP BY 1, 2;

-- The words `query_word` may be a misspelling of with at most `budget` typos (as_prefix: that
-- start with such a misspelling), among the scopes `viewer` may search: a shortlist by trigram
-- similarity, which the caller narrows down with the exact distance (typos.ts). The thresholds
-- are lower bounds, so no word within the budget is left out: one typo changes at most 4 of a
-- word's trigrams (a transposition; other typos 3), so a word of n characters with t distinct
-- trigrams shares at least t - 4 * budget of them with its candidates, which have at most
-- n + budget characters (a prefix's extent in a longer word lacks one more, its end).
-- (0.999: similarities are float4.) The SET clauses keep the thresholds set here from leaking
-- into the caller's transaction.
CREATE FUNCTION chorus_typo_candidates(query_word text, budget integer, as_prefix boolean,
	viewer uuid)
	RETURNS SETOF text LANGUAGE plpgsql
	SET pg_trgm.similarity_threshold = 0.3 SET pg_trgm.word_similarity_threshold = 0.6
AS $$
DECLARE
	len integer := char_length(query_word);
	trigrams integer := cardinality(show_trgm(query_word));
	public_scope constant uuid := '00000000-0000-0000-0000-000000000000';
	shortlist constant integer := 200;
BEGIN
	IF budget <= 0 OR trigrams = 0 THEN
		RETURN;
	END IF;
	IF as_prefix THEN
		PERFORM set_config('pg_trgm.word_similarity_threshold',
			(0.999 * greatest(trigrams - 4 * budget - 1, 0.1) / (len + 5 * budget + 1))::text, true);
		RETURN QUERY
			SELECT s.word FROM search_words s
			WHERE query_word <% s.word AND s.scope IN (public_scope, viewer)
				AND char_length(s.word) >= len - budget AND s.word <> query_word
			GROUP BY s.word
			ORDER BY max(word_similarity(query_word, s.word)) DESC, s.word LIMIT shortlist;
	ELSE
		PERFORM set_config('pg_trgm.similarity_threshold',
			(0.999 * greatest(trigrams - 4 * budget, 0.1) / (len + 5 * budget + 1))::text, true);
		RETURN QUERY
			SELECT s.word FROM search_words s
			WHERE s.word % query_word AND s.scope IN (public_scope, viewer)
				AND char_length(s.word) BETWEEN len - budget AND len + budget AND s.word <> query_word
			GROUP BY s.word
			ORDER BY max(similarity(query_word, s.word)) DESC, s.word LIMIT shortlist;
	END IF;
END $$;

-- Whether the scopes `viewer` may search have `query_word` itself, and longer words starting
-- with it (search leaves out the terms that match nothing). Bitmap scans only: the pattern is
-- unknown when this is planned, and the planner would walk the primary key hoping for an early
-- match rather than use the trigram index; for a beginning no word has, that reads every word.
CREATE FUNCTION chorus_word_presence(query_word text, viewer uuid,
	OUT known boolean, OUT started boolean)
	LANGUAGE sql STABLE
	SET enable_indexscan = off SET enable_seqscan = off
AS $$
	SELECT
		EXISTS (
			SELECT FROM search_words s
			WHERE s.word = query_word
				AND s.scope IN ('00000000-0000-0000-0000-000000000000', viewer)
		),
		EXISTS (
			SELECT FROM search_words s
			WHERE s.word <> query_word
				AND s.word LIKE replace(replace(replace(query_word, '\', '\\'), '%', '\%'), '_', '\_')
					|| '%'
				AND s.scope IN ('00000000-0000-0000-0000-000000000000', viewer)
		)
$$;

-- migrate:down
DROP FUNCTION chorus_word_presence(text, uuid);
DROP FUNCTION chorus_typo_candidates(text, integer, boolean, uuid);
DROP TRIGGER tracks_search_words_truncate ON tracks;
DROP TRIGGER tracks_search_words_update ON tracks;
DROP TRIGGER tracks_search_words_delete ON tracks;
DROP TRIGGER tracks_search_words_insert ON tracks;
DROP FUNCTION chorus_search_words_truncate();
DROP FUNCTION chorus_search_words_update();
DROP FUNCTION chorus_search_words_rows();
DROP FUNCTION chorus_search_words_add(text[], uuid[], integer[]);
DROP FUNCTION chorus_search_scope("TrackVisibility", uuid);
DROP FUNCTION chorus_track_words(text, text, text, text);
CREATE INDEX tracks_search_trgm_sql_idx ON tracks USING gin (
	(chorus_fold(title || ' ' || artist || ' ' || coalesce(album, ''))) gin_trgm_ops
);
DROP TABLE search_words;
