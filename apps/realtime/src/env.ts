import { METRICS_TOKEN_MIN_LENGTH } from '@chorus/ops';
import { z } from 'zod';

const origins = (required: boolean) =>
	z
		.string({
			error: required
				? 'required in production (the browser origins allowed to connect)'
				: undefined
		})
		.transform((s) =>
			s
				.split(',')
				.map((x) => x.trim())
				.filter(Boolean)
		)
		.pipe(z.array(z.url()).min(required ? 1 : 0, 'list at least one origin'));

const nodeEnv = z.enum(['development', 'production', 'test']).default('development');

const schema = (production: boolean) =>
	z.object({
		NODE_ENV: nodeEnv,
		HOST: z.string().default('0.0.0.0'),
		PORT: z.coerce.number().int().min(0).max(65535).default(3001),
		DATABASE_URL: z.url({ message: 'DATABASE_URL must be a postgres:// URL' }),
		REDIS_URL: z.url().optional(),
		// Realtime nodes sharing this prefix form one cluster; another deployment on the same
		// Redis needs its own.
		REDIS_ADAPTER_KEY: z.string().min(1).default('socket.io'),
		// The Origin allow-list is the cross-site WebSocket hijacking guard: no default in production.
		REALTIME_ALLOWED_ORIGINS: production ? origins(true) : origins(false).optional(),
		// Per-user budget for room events, summed over sockets and nodes.
		EVENT_RATE_POINTS: z.coerce.number().int().min(1).default(40),
		EVENT_RATE_WINDOW_SEC: z.coerce.number().int().min(1).default(2),
		RATE_LIMIT_NAMESPACE: z.string().min(1).default('chorus'),
		// A playing room nobody listens to pauses after this many seconds (0 = never).
		ROOM_IDLE_PAUSE_SEC: z.coerce.number().int().min(0).default(60),
		// Unset: /metrics answers loopback peers only. Empty counts as unset (compose's `${X:-}`).
		METRICS_TOKEN: z.preprocess(
			(v) => (v === '' ? undefined : v),
			z
				.string()
				.min(METRICS_TOKEN_MIN_LENGTH, 'use at least 16 characters (openssl rand -hex 32)')
				.optional()
		),
		// Answered as X-Chorus-Node (see AppDeps.nodeId); empty counts as unset.
		NODE_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(64).optional()),
		LOG_LEVEL: z
			.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
			.default('info')
	});

export type Env = z.infer<ReturnType<typeof schema>> & { REALTIME_ALLOWED_ORIGINS: string[] };

/** Parses once at startup; throws a readable error listing every bad variable. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
	const production = nodeEnv.safeParse(source.NODE_ENV).data === 'production';
	const result = schema(production).safeParse(source);
	if (!result.success) {
		const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new Error(`Invalid environment for the realtime service:\n${lines.join('\n')}`);
	}
	return {
		...result.data,
		REALTIME_ALLOWED_ORIGINS: result.data.REALTIME_ALLOWED_ORIGINS ?? ['http://localhost:5173']
	};
}
