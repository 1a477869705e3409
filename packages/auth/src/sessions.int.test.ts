import { createDb, type Db } from '@chorus/db';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../../tests/helpers.ts';
import { createSessionService, DEFAULT_SESSION_POLICY } from './sessions.ts';

const DAY = 24 * 60 * 60 * 1000;
let db: Db;

beforeAll(() => {
	db = createDb(inject('databaseUrl'), { poolSize: 2 });
});
afterAll(() => db.$disconnect());

/** A session service whose clock the test moves. */
function withClock(start = Date.now()) {
	let now = start;
	const sessions = createSessionService(db, { now: () => new Date(now) });
	return { sessions, advance: (ms: number) => (now += ms) };
}

describe('session tokens in PostgreSQL', () => {
	it('issues "<id>.<secret>" and stores only the SHA-256 of the secret', async () => {
		const user = await createUser(db);
		const { sessions } = withClock();
		const { token, session } = await sessions.create(user.id, {
			userAgent: 'vitest',
			ip: '203.0.113.9'
		});
		expect(token).toMatch(/^[a-z2-9]{24}\.[a-z2-9]{24}$/);
		const [id, secret] = token.split('.') as [string, string];
		expect(session.id).toBe(id);

		const row = await db.session.findUniqueOrThrow({ where: { id } });
		expect(Buffer.from(row.secretHash).equals(createHash('sha256').update(secret).digest())).toBe(
			true
		);
		// Neither the secret nor the whole token appears anywhere in the stored row.
		const stored = JSON.stringify(row, (_k, v) =>
			v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v
		);
		expect(stored).not.toContain(secret);
		expect(stored).not.toContain(token);
		expect(row.userAgent).toBe('vitest');
	});

	it('validates the right token and rejects a wrong secret, an unknown id and garbage', async () => {
		const user = await createUser(db);
		const { sessions } = withClock();
		const { token } = await sessions.create(user.id);
		const ok = await sessions.validate(token);
		expect(ok?.user.id).toBe(user.id);

		const [id, secret] = token.split('.') as [string, string];
		const wrongSecret = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
		expect(await sessions.validate(wrongSecret)).toBeNull();
		expect(await sessions.validate(`${'z'.repeat(24)}.${secret}`)).toBeNull();
		expect(await sessions.validate('garbage')).toBeNull();
		// A wrong secret must not delete the real session (no denial of service by guessing).
		expect(await sessions.validate(token)).not.toBeNull();
	});

	it('expires after the inactivity timeout and deletes the row', async () => {
		const user = await createUser(db);
		const { sessions, advance } = withClock();
		const { token, session } = await sessions.create(user.id);
		advance(DEFAULT_SESSION_POLICY.inactivityTimeoutMs + 1);
		expect(await sessions.validate(token)).toBeNull();
		expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
	});

	it('slides the expiry forward when used, at most once per extend interval', async () => {
		const user = await createUser(db);
		const { sessions, advance } = withClock();
		const { token, session } = await sessions.create(user.id);

		advance(60_000);
		const early = await sessions.validate(token);
		expect(early?.extended).toBe(false);
		expect(early?.session.expiresAt.getTime()).toBe(session.expiresAt.getTime());

		advance(20 * DAY);
		const later = await sessions.validate(token);
		expect(later?.extended).toBe(true);
		expect(later!.session.expiresAt.getTime()).toBeGreaterThan(session.expiresAt.getTime());
		// 25 days after that would have been past the original expiry; the slide keeps it alive.
		advance(25 * DAY);
		expect(await sessions.validate(token)).not.toBeNull();
	});

	it('never outlives the absolute maximum age, however active', async () => {
		const user = await createUser(db);
		const { sessions, advance } = withClock();
		const { token } = await sessions.create(user.id);
		const steps = Math.ceil(DEFAULT_SESSION_POLICY.absoluteMaxAgeMs / (10 * DAY));
		for (let i = 0; i < steps - 1; i++) {
			advance(10 * DAY);
			const v = await sessions.validate(token);
			expect(v).not.toBeNull();
			expect(v!.session.expiresAt.getTime() - v!.session.createdAt.getTime()).toBeLessThanOrEqual(
				DEFAULT_SESSION_POLICY.absoluteMaxAgeMs
			);
		}
		advance(10 * DAY);
		expect(await sessions.validate(token)).toBeNull();
	});

	it('invalidates one session or all of a user', async () => {
		const user = await createUser(db);
		const { sessions } = withClock();
		const a = await sessions.create(user.id);
		const b = await sessions.create(user.id);
		const c = await sessions.create(user.id);
		await sessions.invalidate(a.session.id);
		expect(await sessions.validate(a.token)).toBeNull();
		expect(await sessions.validate(b.token)).not.toBeNull();
		await sessions.invalidateAllForUser(user.id);
		expect(await sessions.validate(b.token)).toBeNull();
		expect(await sessions.validate(c.token)).toBeNull();
	});
});
