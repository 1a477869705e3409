-- migrate:up
-- Guests (joined by an invite link, no account) add only tracks the room already surfaced unless
-- the host lets them search the whole library for adding.
ALTER TABLE rooms ADD COLUMN guests_add_from_library boolean NOT NULL DEFAULT false;

-- migrate:down
ALTER TABLE rooms DROP COLUMN guests_add_from_library;
