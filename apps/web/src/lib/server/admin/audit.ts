import { Prisma } from '@chorus/db';
import { z } from 'zod';
import { getDb } from '../db.ts';
import type { Actor } from './roles.ts';

type Tx = Prisma.TransactionClient;

export const AUDIT_ACTIONS = [
	'user.disable',
	'user.enable',
	'user.delete',
	'user.quota',
	'user.role',
	'track.takedown',
	'settings.registration',
	'guests.cleanup'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
	action: AuditAction;
	targetType: 'user' | 'track' | 'instance';
	targetId?: string | null;
	targetLabel?: string | null;
	details?: Record<string, unknown>;
}

/** The server's own jobs (the periodic guest cleanup) act as nobody in particular. */
export const SYSTEM_ACTOR_NAME = 'Chorus (scheduled)';

const label = (a: Actor) => (a.email ? `${a.displayName} <${a.email}>` : a.displayName);

/** Written in the transaction of the change it describes: no change without its entry. */
export async function recordAudit(
	tx: Tx | ReturnType<typeof getDb>,
	actor: Actor | null,
	entry: AuditInput
): Promise<void> {
	await tx.adminAuditEntry.create({
		data: {
			actorId: actor?.id ?? null,
			actorName: actor ? label(actor) : SYSTEM_ACTOR_NAME,
			action: entry.action,
			targetType: entry.targetType,
			targetId: entry.targetId ?? null,
			targetLabel: entry.targetLabel ?? null,
			details: (entry.details ?? {}) as Prisma.InputJsonObject
		}
	});
}

export const auditEntrySchema = z.object({
	id: z.uuid(),
	actorId: z.uuid().nullable(),
	actorName: z.string(),
	action: z.string(),
	targetType: z.string(),
	targetId: z.string().nullable(),
	targetLabel: z.string().nullable(),
	details: z.record(z.string(), z.unknown()),
	createdAt: z.string()
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_SIZE = 50;

export const auditQuery = z.strictObject({
	page: z.coerce.number().int().min(1).max(100_000).default(1),
	action: z.enum(AUDIT_ACTIONS).optional(),
	targetId: z.string().max(100).optional()
});

export const auditPageSchema = z.object({
	entries: z.array(auditEntrySchema),
	page: z.number(),
	pageSize: z.number(),
	total: z.number()
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** Newest first. */
export async function listAudit(q: z.output<typeof auditQuery>): Promise<AuditPage> {
	const db = getDb();
	const where = {
		...(q.action ? { action: q.action } : {}),
		...(q.targetId ? { targetId: q.targetId } : {})
	};
	const [rows, total] = await Promise.all([
		db.adminAuditEntry.findMany({
			where,
			orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
			skip: (q.page - 1) * AUDIT_PAGE_SIZE,
			take: AUDIT_PAGE_SIZE
		}),
		db.adminAuditEntry.count({ where })
	]);
	return {
		entries: rows.map((r) => ({
			id: r.id,
			actorId: r.actorId,
			actorName: r.actorName,
			action: r.action,
			targetType: r.targetType,
			targetId: r.targetId,
			targetLabel: r.targetLabel,
			details: (r.details ?? {}) as Record<string, unknown>,
			createdAt: r.createdAt.toISOString()
		})),
		page: q.page,
		pageSize: AUDIT_PAGE_SIZE,
		total
	};
}
