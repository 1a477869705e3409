import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export { Prisma, PrismaClient } from './generated/client.ts';
export type { Session, User } from './generated/client.ts';

export type Db = PrismaClient;

export interface CreateDbOptions {
	/** Max connections in the pg pool of this process. */
	poolSize?: number;
}

export function createDb(connectionString: string, options: CreateDbOptions = {}): Db {
	const adapter = new PrismaPg({ connectionString, max: options.poolSize ?? 10 });
	return new PrismaClient({ adapter });
}

/** Prisma error code for a unique-constraint violation. */
export const UNIQUE_VIOLATION = 'P2002';

export function isUniqueViolation(err: unknown): boolean {
	return (
		typeof err === 'object' && err !== null && (err as { code?: unknown }).code === UNIQUE_VIOLATION
	);
}
