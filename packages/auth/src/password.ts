import { hash, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable with isolatedModules)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false; // a corrupt stored hash is a failed login, not a crash
	}
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification when the account does not exist,
 * so response time does not reveal which emails are registered.
 */
export async function burnPasswordVerification(password: string): Promise<false> {
	dummyHash ??= hashPassword('chorus-dummy-password-for-timing');
	await verifyPassword(await dummyHash, password);
	return false;
}
