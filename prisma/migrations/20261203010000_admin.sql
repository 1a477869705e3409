-- migrate:up
-- Instance administration: an admin role, disabled accounts, per-user upload quotas, the
-- instance's registration mode, and an audit log of every admin action.
ALTER TABLE users
	-- Granted to the first account registered on the instance (or by another admin); emails in
	-- ADMIN_EMAILS are admins too, computed at request time.
	ADD COLUMN is_admin boolean NOT NULL DEFAULT false,
	-- Set by an admin: cannot sign in, every session was deleted when it was set.
	ADD COLUMN disabled_at timestamptz(3),
	-- Null: USER_QUOTA_BYTES applies.
	ADD COLUMN upload_quota_bytes bigint;

CREATE TYPE registration_mode AS ENUM ('open', 'invite_only', 'closed');

-- One row (id = 1). A null registration_mode means the REGISTRATION_MODE default applies.
CREATE TABLE instance_settings (
	id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
	registration_mode registration_mode,
	updated_at timestamptz(3) NOT NULL DEFAULT now(),
	updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);

-- Who did what, and when. The actor and target are copied as text (name, label) so entries stay
-- readable after either account is deleted; actor_id is null for the server's own jobs.
CREATE TABLE admin_audit_log (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
	actor_name text NOT NULL,
	action text NOT NULL,
	target_type text NOT NULL,
	target_id text,
	target_label text,
	details jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_log_created_at_idx ON admin_audit_log (created_at);
CREATE INDEX admin_audit_log_target_id_idx ON admin_audit_log (target_id);

-- migrate:down
DROP TABLE admin_audit_log;
DROP TABLE instance_settings;
DROP TYPE registration_mode;
ALTER TABLE users
	DROP COLUMN is_admin,
	DROP COLUMN disabled_at,
	DROP COLUMN upload_quota_bytes;
