// Integration tier: one fresh database for the run (on DATABASE_URL's server, or embedded),
// migrated with dbmate, and the built web app (apps/web/build) started against it.
import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbmate } from '../scripts/lib/migrate.ts';
import { testDatabase } from '../scripts/lib/postgres.ts';
import { startMailCatcher } from './mail-catcher.ts';
import { startOAuthProvider } from './oauth-provider.ts';
import { startWeb, type StartedProcess } from './servers.ts';

/** Small, so size-limit tests stay fast. */
const UPLOAD_MAX_BYTES = 6 * 1024 * 1024;

export default async function setup(project: TestProject) {
	const db = await testDatabase('int');
	const dataDir = await mkdtemp(join(tmpdir(), 'chorus-int-data-'));
	const mailDir = join(dataDir, 'mail');
	const mail = await startMailCatcher(mailDir);
	const oauth = await startOAuthProvider();
	let web: StartedProcess | undefined;
	try {
		await dbmate(db.url, ['up'], true);
		const rateLimits = {
			loginPerAccount: 3,
			loginPerIp: 8,
			registerPerIp: 4,
			invitePerIp: 12,
			oauthPerIp: 10
		};
		web = await startWeb({
			DATABASE_URL: db.url,
			...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
			// Behind a proxy, as in production: each test uses its own client address.
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1',
			RATE_LIMIT_NAMESPACE: `test-${randomBytes(6).toString('hex')}`,
			RATE_LIMIT_LOGIN_PER_ACCOUNT: String(rateLimits.loginPerAccount),
			RATE_LIMIT_LOGIN_PER_IP: String(rateLimits.loginPerIp),
			RATE_LIMIT_REGISTER_PER_IP: String(rateLimits.registerPerIp),
			RATE_LIMIT_INVITE_PER_IP: String(rateLimits.invitePerIp),
			RATE_LIMIT_OAUTH_PER_IP: String(rateLimits.oauthPerIp),
			DATA_DIR: dataDir,
			UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
			SECRETS_KEY: randomBytes(32).toString('base64'),
			SMTP_URL: mail.url,
			...oauth.env
		});
		project.provide('databaseUrl', db.url);
		project.provide('redisUrl', process.env.REDIS_URL ?? null);
		project.provide('webUrl', web.url);
		project.provide('rateLimits', rateLimits);
		project.provide('dataDir', dataDir);
		project.provide('uploadMaxBytes', UPLOAD_MAX_BYTES);
		project.provide('mailDir', mailDir);
		// startWeb sets ORIGIN to the server's own URL; links must use it, never the Host header.
		project.provide('publicOrigin', web.url);
		project.provide('oauthProviderUrl', oauth.url);
	} catch (err) {
		await web?.stop();
		await Promise.all([mail.stop(), oauth.stop()]);
		await db.stop();
		throw err;
	}
	return async () => {
		// A crash of the shared server fails many tests at once; its own output says why.
		if (web && web.child.exitCode !== null) {
			console.error(`web server exited early (${web.child.exitCode}):\n${web.output()}`);
		}
		await web?.stop();
		await Promise.all([mail.stop(), oauth.stop()]);
		await db.stop();
		await rm(dataDir, { recursive: true, force: true });
	};
}
