-- migrate:up
-- Guests join rooms with only a display name; they get an account without email or password
-- that can be claimed later.
ALTER TABLE users
	ALTER COLUMN email DROP NOT NULL,
	ALTER COLUMN password_hash DROP NOT NULL,
	ADD COLUMN is_guest boolean NOT NULL DEFAULT false;

CREATE TYPE room_role AS ENUM ('host', 'cohost', 'listener');
CREATE TYPE room_add_policy AS ENUM ('everyone', 'hosts');
CREATE TYPE queue_item_status AS ENUM ('queued', 'playing', 'played', 'skipped', 'removed');

CREATE TABLE rooms (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	description text NOT NULL DEFAULT '',
	-- Null only once every member has left (the room is then closed).
	host_id uuid REFERENCES users (id) ON DELETE SET NULL,
	add_policy room_add_policy NOT NULL DEFAULT 'everyone',
	guest_controls boolean NOT NULL DEFAULT false,
	skip_threshold_percent integer NOT NULL DEFAULT 50,
	max_pending_per_member integer NOT NULL DEFAULT 10,
	fair_rotation boolean NOT NULL DEFAULT false,
	-- Bumped by every persisted mutation; broadcasts carry it so clients detect gaps.
	version bigint NOT NULL DEFAULT 0,
	-- Playback timeline: position at server time t = position_ms + (paused ? 0 : t - anchor_ms).
	current_item_id uuid,
	playback_anchor_ms double precision NOT NULL DEFAULT 0,
	playback_position_ms double precision NOT NULL DEFAULT 0,
	playback_paused boolean NOT NULL DEFAULT true,
	closed_at timestamptz(3),
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX rooms_host_id_idx ON rooms (host_id);

CREATE TABLE room_members (
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role room_role NOT NULL DEFAULT 'listener',
	joined_at timestamptz(3) NOT NULL DEFAULT now(),
	-- Chat mute set by a host; null or past = may chat.
	muted_until timestamptz(3),
	PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user_id_idx ON room_members (user_id);

CREATE TABLE room_bans (
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	banned_by uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	PRIMARY KEY (room_id, user_id)
);

-- Only SHA-256 of the token is stored: a database leak does not leak working links.
CREATE TABLE room_invites (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	token_hash bytea NOT NULL UNIQUE,
	created_by uuid REFERENCES users (id) ON DELETE SET NULL,
	expires_at timestamptz(3),
	max_uses integer,
	uses integer NOT NULL DEFAULT 0,
	views integer NOT NULL DEFAULT 0,
	revoked_at timestamptz(3),
	created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX room_invites_room_id_idx ON room_invites (room_id);

CREATE TABLE queue_items (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
	added_by uuid REFERENCES users (id) ON DELETE SET NULL,
	status queue_item_status NOT NULL DEFAULT 'queued',
	-- Denormalised up - down, kept in step with queue_votes in the same transaction.
	score integer NOT NULL DEFAULT 0,
	-- Pinned items come first, by pin_rank; null = ordered by score.
	pin_rank integer,
	added_at timestamptz(3) NOT NULL DEFAULT now(),
	-- When it started playing (status playing) or stopped (played/skipped/removed).
	status_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX queue_items_room_id_status_idx ON queue_items (room_id, status);
CREATE INDEX queue_items_track_id_idx ON queue_items (track_id);
-- A track waits in a room's queue at most once.
CREATE UNIQUE INDEX queue_items_one_queued_sql_idx ON queue_items (room_id, track_id)
	WHERE status = 'queued';

ALTER TABLE rooms ADD CONSTRAINT rooms_current_item_id_fkey
	FOREIGN KEY (current_item_id) REFERENCES queue_items (id) ON DELETE SET NULL;

CREATE TABLE queue_votes (
	item_id uuid NOT NULL REFERENCES queue_items (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	value smallint NOT NULL CHECK (value IN (-1, 1)),
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	PRIMARY KEY (item_id, user_id)
);
CREATE INDEX queue_votes_user_id_idx ON queue_votes (user_id);

CREATE TABLE skip_votes (
	item_id uuid NOT NULL REFERENCES queue_items (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	PRIMARY KEY (item_id, user_id)
);
CREATE INDEX skip_votes_user_id_idx ON skip_votes (user_id);

CREATE TABLE chat_messages (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	-- Null once the author's account is deleted (messages are anonymised, not removed).
	user_id uuid REFERENCES users (id) ON DELETE SET NULL,
	body text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	deleted_at timestamptz(3),
	deleted_by uuid REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX chat_messages_room_id_created_at_idx ON chat_messages (room_id, created_at);
CREATE INDEX chat_messages_user_id_idx ON chat_messages (user_id);

-- Idempotency: a mutation id (per user, per room) is applied once; a retry gets the stored result.
CREATE TABLE room_mutations (
	room_id uuid NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	mutation_id text NOT NULL,
	result jsonb,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	PRIMARY KEY (room_id, user_id, mutation_id)
);
CREATE INDEX room_mutations_created_at_idx ON room_mutations (created_at);

-- migrate:down
DROP TABLE room_mutations, chat_messages, skip_votes, queue_votes;
ALTER TABLE rooms DROP CONSTRAINT rooms_current_item_id_fkey;
DROP TABLE queue_items, room_invites, room_bans, room_members, rooms;
DROP TYPE queue_item_status, room_add_policy, room_role;
DELETE FROM users WHERE is_guest OR email IS NULL OR password_hash IS NULL;
ALTER TABLE users
	DROP COLUMN is_guest,
	ALTER COLUMN email SET NOT NULL,
	ALTER COLUMN password_hash SET NOT NULL;
