-- migrate:up
-- Accounts beyond passwords: email verification, TOTP, OAuth identities, linked streaming
-- accounts, single-use email tokens, recovery codes, avatars, and deletion tombstones.
ALTER TABLE users
	ADD COLUMN email_verified_at timestamptz(3),
	-- AES-256-GCM sealed TOTP key (SECRETS_KEY); set once enrolment is confirmed.
	ADD COLUMN totp_key bytea,
	-- Sealed key of an enrolment that is not confirmed yet.
	ADD COLUMN totp_pending_key bytea,
	-- The last accepted 30 s time step: a code is accepted once.
	ADD COLUMN totp_last_step bigint,
	ADD COLUMN totp_enabled_at timestamptz(3),
	-- Storage key of the WebP avatar, and when it changed (cache busting).
	ADD COLUMN avatar_key text,
	ADD COLUMN avatar_updated_at timestamptz(3),
	-- A deleted account whose uploads others still use stays as an anonymous tombstone.
	ADD COLUMN deleted_at timestamptz(3);

-- Sessions of a 2FA account are usable only once the second factor was given.
ALTER TABLE sessions ADD COLUMN two_factor_verified boolean NOT NULL DEFAULT false;

-- Every realtime node listens: a deleted session's sockets are disconnected wherever they are.
CREATE FUNCTION notify_session_revoked() RETURNS trigger AS $$
BEGIN
	PERFORM pg_notify('chorus_session_revoked', OLD.id);
	RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER sessions_revoked AFTER DELETE ON sessions
	FOR EACH ROW EXECUTE FUNCTION notify_session_revoked();

CREATE TABLE oauth_identities (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	provider text NOT NULL,
	provider_user_id text NOT NULL,
	email text,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT oauth_identities_provider_user_key UNIQUE (provider, provider_user_id),
	CONSTRAINT oauth_identities_user_provider_key UNIQUE (user_id, provider)
);

-- Streaming services (Spotify, Yandex, VK): tokens sealed with SECRETS_KEY.
CREATE TABLE linked_accounts (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	provider text NOT NULL,
	provider_user_id text NOT NULL,
	display_name text,
	access_token bytea NOT NULL,
	refresh_token bytea,
	access_token_expires_at timestamptz(3),
	scopes text NOT NULL DEFAULT '',
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT linked_accounts_user_provider_key UNIQUE (user_id, provider)
);

CREATE TYPE email_token_purpose AS ENUM ('verify', 'reset', 'change');

-- Single-use tokens sent by email; only SHA-256 of the token is stored.
CREATE TABLE email_tokens (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	purpose email_token_purpose NOT NULL,
	token_hash bytea NOT NULL,
	-- The address the token was sent to (the new address for a change).
	email text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	expires_at timestamptz(3) NOT NULL,
	used_at timestamptz(3),
	CONSTRAINT email_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX email_tokens_user_id_purpose_idx ON email_tokens (user_id, purpose);

CREATE TABLE recovery_codes (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash bytea NOT NULL,
	used_at timestamptz(3),
	created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX recovery_codes_user_id_idx ON recovery_codes (user_id);

-- migrate:down
DROP TABLE recovery_codes, email_tokens, linked_accounts, oauth_identities;
DROP TYPE email_token_purpose;
DROP TRIGGER sessions_revoked ON sessions;
DROP FUNCTION notify_session_revoked();
ALTER TABLE sessions DROP COLUMN two_factor_verified;
ALTER TABLE users
	DROP COLUMN email_verified_at,
	DROP COLUMN totp_key,
	DROP COLUMN totp_pending_key,
	DROP COLUMN totp_last_step,
	DROP COLUMN totp_enabled_at,
	DROP COLUMN avatar_key,
	DROP COLUMN avatar_updated_at,
	DROP COLUMN deleted_at;
