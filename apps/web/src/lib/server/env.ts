import { dev } from '$app/environment';
import { env as raw } from '$env/dynamic/private';
import { parseSecretsKey } from '@chorus/auth';
import { METRICS_TOKEN_MIN_LENGTH } from '@chorus/ops';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const schema = z.object({
	DATABASE_URL: z.url({
		message: 'DATABASE_URL must be a postgres:// URL (pnpm dev sets one up for you)'
	}),
	REDIS_URL: z.url().optional(),
	// Behind a proxy, adapter-node cannot know the public origin; form CSRF checks depend on it.
	ORIGIN: dev
		? z.url().optional()
		: z.url({ message: 'required in production (e.g. https://chorus.example.com)' }),
	COOKIE_SECURE: bool.optional(),
	/** Bearer token for GET /metrics; unset (or empty) = only loopback peers no proxy forwarded. */
	METRICS_TOKEN: z.preprocess(
		(v) => (v === '' ? undefined : v),
		z
			.string()
			.min(METRICS_TOKEN_MIN_LENGTH, 'use at least 16 characters (openssl rand -hex 32)')
			.optional()
	),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	RATE_LIMIT_NAMESPACE: z
		.string()
		.regex(/^[\w-]{1,64}$/)
		.default('chorus'),
	RATE_LIMIT_LOGIN_PER_ACCOUNT: positiveInt.default(10),
	RATE_LIMIT_LOGIN_PER_IP: positiveInt.default(100),
	RATE_LIMIT_REGISTER_PER_IP: positiveInt.default(30),
	/** Invite previews, invite pages and accepts per client address per 15 minutes. */
	RATE_LIMIT_INVITE_PER_IP: positiveInt.default(100),
	DATA_DIR: z.string().default('.data'),
	UPLOAD_MAX_BYTES: positiveInt.default(200 * 1024 * 1024),
	USER_QUOTA_BYTES: positiveInt.default(20 * 1024 * 1024 * 1024),
	STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
	S3_ENDPOINT: z.url().optional(),
	S3_REGION: z.string().default('us-east-1'),
	S3_BUCKET: z.string().optional(),
	S3_ACCESS_KEY_ID: z.string().optional(),
	S3_SECRET_ACCESS_KEY: z.string().optional(),
	S3_FORCE_PATH_STYLE: bool.default(true),
	/**
	 * Prefix of nginx's `internal` location for local blobs (e.g. `/_blobs/`): once a stream
	 * request is authorised, the app answers with X-Accel-Redirect and nginx sends the bytes.
	 * Unset: the app streams itself. Only set it behind an nginx that has that location.
	 */
	STREAM_ACCEL: z.preprocess(
		(v) => (v === '' ? undefined : v),
		z
			.string()
			.regex(/^\/[\w./-]*\/$/, 'an nginx location prefix such as /_blobs/')
			.optional()
	),
	/**
	 * With STREAM_ACCEL: how long nginx may reuse an authorised answer for the same session and
	 * track (X-Accel-Expires), so a player's Range requests skip the app. 0 = authorise every
	 * request. A revoked session or a track made private keeps streaming for at most this long.
	 */
	STREAM_ACCEL_CACHE_SEC: z.coerce.number().int().min(0).max(300).default(0),
	/** S3 driver: answer authorised stream requests with a 302 to a short-lived presigned URL. */
	STREAM_S3_REDIRECT: bool.default(false),
	/** Comma-separated emails that are admins once verified (as well as users.is_admin). */
	ADMIN_EMAILS: z
		.string()
		.default('')
		.transform((v) =>
			v
				.split(',')
				.map((e) => e.trim().toLowerCase())
				.filter(Boolean)
		),
	/** Sign-up policy until an admin picks one on /admin: open, invite_only or closed. */
	REGISTRATION_MODE: z.enum(['open', 'invite_only', 'closed']).default('open'),
	/** Guest accounts unused for this many days are deleted; 0 = never. */
	GUEST_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
	/** How often this process looks for abandoned guests (0 = only on demand from /admin). */
	GUEST_CLEANUP_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
	/** Set to false to run no background media processing in this process. */
	MEDIA_WORKER: bool.default(true),
	/** 32 bytes (base64 or hex) sealing TOTP keys and provider tokens at rest. */
	SECRETS_KEY: dev ? z.string().optional() : z.string({ message: 'required in production' }),
	/** smtp(s)://user:pass@host:port; unset in development = mail goes to the log and /dev/mailbox. */
	SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
	MAIL_FROM: z.string().default('Chorus <no-reply@chorus.local>'),
	/** Verification resends, reset requests and email changes per account (and per address) per hour. */
	RATE_LIMIT_EMAIL_PER_ACCOUNT: positiveInt.default(5),
	RATE_LIMIT_EMAIL_PER_IP: positiveInt.default(30),
	/** OAuth callbacks (sign-in, linking, connections) per client address per 15 minutes. */
	RATE_LIMIT_OAUTH_PER_IP: positiveInt.default(30),
	/** Wrong second-factor codes (TOTP or recovery) per account per 15 minutes. */
	RATE_LIMIT_TOTP_PER_ACCOUNT: positiveInt.default(5),
	// OAuth: a provider is enabled when its client id and secret are both set. The endpoint
	// variables default to the real providers; tests point them at a loopback stand-in.
	GITHUB_CLIENT_ID: optionalString,
	GITHUB_CLIENT_SECRET: optionalString,
	GITHUB_AUTHORIZE_URL: z.url().default('https://github.com/login/oauth/authorize'),
	GITHUB_TOKEN_URL: z.url().default('https://github.com/login/oauth/access_token'),
	GITHUB_API_URL: z.url().default('https://api.github.com'),
	GOOGLE_CLIENT_ID: optionalString,
	GOOGLE_CLIENT_SECRET: optionalString,
	GOOGLE_AUTHORIZE_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
	GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
	GOOGLE_USERINFO_URL: z.url().default('https://openidconnect.googleapis.com/v1/userinfo'),
	SPOTIFY_CLIENT_ID: optionalString,
	SPOTIFY_CLIENT_SECRET: optionalString,
	SPOTIFY_AUTHORIZE_URL: z.url().default('https://accounts.spotify.com/authorize'),
	SPOTIFY_TOKEN_URL: z.url().default('https://accounts.spotify.com/api/token'),
	SPOTIFY_API_URL: z.url().default('https://api.spotify.com'),
	YANDEX_CLIENT_ID: optionalString,
	YANDEX_CLIENT_SECRET: optionalString,
	YANDEX_AUTHORIZE_URL: z.url().default('https://oauth.yandex.com/authorize'),
	YANDEX_TOKEN_URL: z.url().default('https://oauth.yandex.com/token'),
	YANDEX_REVOKE_URL: z.url().default('https://oauth.yandex.com/revoke_token'),
	YANDEX_USERINFO_URL: z.url().default('https://login.yandex.ru/info'),
	VK_CLIENT_ID: optionalString,
	VK_CLIENT_SECRET: optionalString,
	VK_AUTHORIZE_URL: z.url().default('https://oauth.vk.com/authorize'),
	VK_TOKEN_URL: z.url().default('https://oauth.vk.com/access_token'),
	VK_API_URL: z.url().default('https://api.vk.com/method')
});

export type Env = z.infer<typeof schema> & {
	COOKIE_SECURE: boolean;
	/** Parsed SECRETS_KEY; in development without one, a fixed key (dev data only). */
	secretsKey: Uint8Array<ArrayBuffer>;
};

// Development only: lets `pnpm dev` run without setting up a secret. Production refuses to start.
const DEV_SECRETS_KEY = 'Y2hvcnVzLWRldmVsb3BtZW50LW9ubHktc2VjcmV0cyE=';

let parsed: Env | undefined;

/**
 * An absolute link into the app (mail, invites, OAuth redirect URIs). Always the configured
 * public origin (required in production; `pnpm dev` serves on localhost:5173), never the
 * request's Host header: a forged Host would put an attacker's domain in front of a token.
 */
export function publicUrl(path: string, params: Record<string, string> = {}): string {
	const url = new URL(path, getEnv().ORIGIN ?? 'http://localhost:5173');
	for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
	return url.href;
}

/** Parsed once; throws a readable list of every bad variable so the server refuses to start. */
export function getEnv(): Env {
	if (parsed) return parsed;
	const result = schema.safeParse(raw);
	if (!result.success) {
		const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new Error(`Invalid environment for the web app:\n${lines.join('\n')}`);
	}
	let secretsKey: Uint8Array<ArrayBuffer>;
	try {
		secretsKey = parseSecretsKey(result.data.SECRETS_KEY ?? DEV_SECRETS_KEY);
	} catch (err) {
		throw new Error(
			`Invalid environment for the web app:\n  SECRETS_KEY: ${(err as Error).message}`,
			{ cause: err }
		);
	}
	parsed = { ...result.data, COOKIE_SECURE: result.data.COOKIE_SECURE ?? !dev, secretsKey };
	return parsed;
}
