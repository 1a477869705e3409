-- migrate:up
CREATE TABLE users (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	email text NOT NULL,
	display_name text NOT NULL,
	password_hash text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_at timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE sessions (
	id text PRIMARY KEY,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	secret_hash bytea NOT NULL,
	created_at timestamptz(3) NOT NULL,
	expires_at timestamptz(3) NOT NULL,
	last_seen_at timestamptz(3) NOT NULL,
	user_agent text,
	ip text
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- migrate:down
DROP TABLE sessions;
DROP TABLE users;
