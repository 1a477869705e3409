import { hashPassword } from '@chorus/auth';
import { createDb } from '@chorus/db';

export const DEMO_EMAIL = 'demo@chorus.local';
export const DEMO_PASSWORD = 'chorus-demo';

/** Seeds a demo account on an empty database so a newcomer can sign in at once. */
export async function seedDemo(url: string): Promise<void> {
	const db = createDb(url, { poolSize: 1 });
	try {
		if ((await db.user.count()) > 0) return;
		await db.user.create({
			data: {
				email: DEMO_EMAIL,
				displayName: 'Demo Listener',
				passwordHash: await hashPassword(DEMO_PASSWORD),
				// Its address cannot receive mail; do not nag the demo with "verify your email".
				emailVerifiedAt: new Date(),
				// Seeded before anyone signs up, it is the instance's first account: its admin.
				isAdmin: true
			}
		});
		console.log(`› Seeded demo account ${DEMO_EMAIL}`);
	} finally {
		await db.$disconnect();
	}
}
