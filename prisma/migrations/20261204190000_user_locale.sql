-- migrate:up
-- The interface language chosen by the person (header switcher); null: the browser decides
-- (cookie, then Accept-Language). It wins over the cookie when they sign in on another device.
ALTER TABLE users ADD COLUMN locale text;
ALTER TABLE users ADD CONSTRAINT users_locale_known CHECK (locale IN ('en', 'ru'));

-- migrate:down
ALTER TABLE users DROP CONSTRAINT users_locale_known;
ALTER TABLE users DROP COLUMN locale;
