import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import { displayNameSchema, type PublicUser, type RoomInfo } from '@chorus/protocol';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { assertSignUpAllowed } from '../admin/settings.ts';
import { ApiError } from '../api/errors.ts';
import { toPublic, type AuthMeta } from '../auth/service.ts';
import { getDb, getSessions } from '../db.ts';
import { publicUrl } from '../env.ts';
import { consume, getLimiters } from '../rate-limit.ts';
import { addListener, requirePermission, toRoomInfo } from './rooms.ts';

export const INVITE_MIN_TTL_SEC = 60;
export const INVITE_MAX_TTL_SEC = 30 * 24 * 3600;
export const INVITE_DEFAULT_TTL_SEC = 7 * 24 * 3600;
export const INVITE_MAX_USES = 10_000;
const TOKEN_BYTES = 32;
// 32 bytes in base64url without padding.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const createInviteInput = z.strictObject({
	/** Omitted: a week; null: never expires. */
	expiresInSec: z
		.number()
		.int()
		.min(INVITE_MIN_TTL_SEC, `expiresInSec must be at least ${INVITE_MIN_TTL_SEC}`)
		.max(INVITE_MAX_TTL_SEC, `expiresInSec must be at most ${INVITE_MAX_TTL_SEC} (30 days)`)
		.nullable()
		.optional(),
	/** Omitted or null: unlimited. */
	maxUses: z
		.number()
		.int()
		.min(1, 'maxUses must be at least 1')
		.max(INVITE_MAX_USES, `maxUses must be at most ${INVITE_MAX_USES}`)
		.nullable()
		.optional()
});

/** Signed-in people need no body; anonymous visitors join as a guest under a display name. */
export const acceptInviteInput = z.strictObject({ displayName: displayNameSchema.optional() });
export const guestJoinInput = z.strictObject({ displayName: displayNameSchema });

export const INVITE_STATES = ['active', 'expired', 'revoked', 'used-up'] as const;
export type InviteState = (typeof INVITE_STATES)[number];

export const createdInviteSchema = z.object({
	id: z.uuid(),
	url: z.string(),
	token: z.string(),
	expiresAt: z.string().nullable(),
	maxUses: z.number().nullable()
});
export type CreatedInvite = z.infer<typeof createdInviteSchema>;

export const inviteSummarySchema = z.object({
	id: z.uuid(),
	createdBy: z.uuid().nullable(),
	createdAt: z.string(),
	expiresAt: z.string().nullable(),
	maxUses: z.number().nullable(),
	uses: z.number(),
	views: z.number(),
	revokedAt: z.string().nullable(),
	state: z.enum(INVITE_STATES)
});
export type InviteSummary = z.infer<typeof inviteSummarySchema>;

export const invitePreviewSchema = z.object({
	room: z.object({ id: z.uuid(), name: z.string(), description: z.string() }),
	hostName: z.string().nullable(),
	memberCount: z.number()
});
export type InvitePreview = z.infer<typeof invitePreviewSchema>;

type InviteRow = Prisma.RoomInviteGetPayload<object>;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * One answer for unknown, malformed, expired, revoked and used-up links, and for closed rooms:
 * a link either works or it does not, and nobody learns which links once existed.
 */
const gone = () => new ApiError(410, 'GONE', 'This invite link is no longer valid');

// The same conditions in SQL, so checking and consuming a use are one atomic statement.
const USABLE = Prisma.sql`i.revoked_at IS NULL
	AND (i.expires_at IS NULL OR i.expires_at > now())
	AND (i.max_uses IS NULL OR i.uses < i.max_uses)`;

export function inviteState(i: InviteRow, now = new Date()): InviteState {
	if (i.revokedAt) return 'revoked';
	if (i.expiresAt && i.expiresAt <= now) return 'expired';
	if (i.maxUses !== null && i.uses >= i.maxUses) return 'used-up';
	return 'active';
}

export const inviteUrl = (token: string): string => publicUrl(`/invite/${token}`);

function toSummary(i: InviteRow): InviteSummary {
	return {
		id: i.id,
		createdBy: i.createdBy,
		createdAt: i.createdAt.toISOString(),
		expiresAt: i.expiresAt?.toISOString() ?? null,
		maxUses: i.maxUses,
		uses: i.uses,
		views: i.views,
		revokedAt: i.revokedAt?.toISOString() ?? null,
		state: inviteState(i)
	};
}

export async function createInvite(
	roomId: string,
	user: SessionUser,
	input: z.output<typeof createInviteInput>
): Promise<CreatedInvite> {
	await requirePermission(roomId, user.id, 'invite');
	const token = randomBytes(TOKEN_BYTES).toString('base64url');
	const ttlSec = input.expiresInSec === undefined ? INVITE_DEFAULT_TTL_SEC : input.expiresInSec;
	const invite = await getDb().roomInvite.create({
		data: {
			roomId,
			tokenHash: hashToken(token),
			createdBy: user.id,
			expiresAt: ttlSec === null ? null : new Date(Date.now() + ttlSec * 1000),
			maxUses: input.maxUses ?? null
		}
	});
	return {
		id: invite.id,
		url: inviteUrl(token),
		token,
		expiresAt: invite.expiresAt?.toISOString() ?? null,
		maxUses: invite.maxUses
	};
}

export async function listInvites(roomId: string, user: SessionUser): Promise<InviteSummary[]> {
	await requirePermission(roomId, user.id, 'invite');
	const rows = await getDb().roomInvite.findMany({
		where: { roomId },
		orderBy: { createdAt: 'desc' }
	});
	return rows.map(toSummary);
}

/** Revoking twice is fine; an id that is not an invite of this room is 404. */
export async function revokeInvite(roomId: string, inviteId: string, user: SessionUser) {
	await requirePermission(roomId, user.id, 'invite');
	const notFound = new ApiError(404, 'NOT_FOUND', 'No such invite');
	if (!z.uuid().safeParse(inviteId).success) throw notFound;
	const invite = await getDb().roomInvite.findFirst({ where: { id: inviteId, roomId } });
	if (!invite) throw notFound;
	// Keeps the first revocation time.
	await getDb().roomInvite.updateMany({
		where: { id: inviteId, revokedAt: null },
		data: { revokedAt: new Date() }
	});
}

/** Every invite check (preview, page, accept) spends a point of the per-address budget. */
async function limitCheck(ip: string): Promise<void> {
	await consume([[getLimiters().inviteIp, ip]]);
}

/** Shows what the link leads to and counts a view; 410 when it is not usable. */
export async function previewInvite(token: string, ip: string): Promise<InvitePreview> {
	await limitCheck(ip);
	if (!TOKEN_PATTERN.test(token)) throw gone();
	const db = getDb();
	const rows = await db.$queryRaw<{ room_id: string }[]>`
		UPDATE room_invites i SET views = i.views + 1
		FROM rooms r
		WHERE i.token_hash = ${hashToken(token)} AND r.id = i.room_id AND r.closed_at IS NULL
			AND ${USABLE}
		RETURNING i.room_id`;
	const roomId = rows[0]?.room_id;
	if (!roomId) throw gone();
	const room = await db.room.findUnique({
		where: { id: roomId },
		include: { host: { select: { displayName: true } }, _count: { select: { members: true } } }
	});
	if (!room) throw gone();
	return {
		room: { id: room.id, name: room.name, description: room.description },
		hostName: room.host?.displayName ?? null,
		memberCount: room._count.members
	};
}

type Tx = Prisma.TransactionClient;

/** Spends one use atomically: concurrent accepts can never exceed max_uses. */
async function spendUse(tx: Tx, tokenHash: Buffer): Promise<string | null> {
	const rows = await tx.$queryRaw<{ room_id: string }[]>`
		UPDATE room_invites i SET uses = i.uses + 1
		FROM rooms r
		WHERE i.token_hash = ${tokenHash} AND r.id = i.room_id AND r.closed_at IS NULL AND ${USABLE}
		RETURNING i.room_id`;
	return rows[0]?.room_id ?? null;
}

/** The room a usable invite leads to, without spending anything. */
async function usableRoomId(tx: Tx, tokenHash: Buffer): Promise<string | null> {
	const rows = await tx.$queryRaw<{ room_id: string }[]>`
		SELECT i.room_id FROM room_invites i JOIN rooms r ON r.id = i.room_id
		WHERE i.token_hash = ${tokenHash} AND r.closed_at IS NULL AND ${USABLE}`;
	return rows[0]?.room_id ?? null;
}

export interface AcceptResult {
	room: RoomInfo;
	user: PublicUser;
	/** Set when a guest account was created: the caller sets the session cookie. */
	session?: { token: string; expiresAt: Date };
}

/**
 * Joins the room behind a link. A signed-in user joins as a listener (already a member: nothing
 * is spent); an anonymous visitor gets a guest account under `displayName` and a session.
 */
export async function acceptInvite(
	token: string,
	who: { user: SessionUser } | { displayName: string },
	meta: AuthMeta
): Promise<AcceptResult> {
	await limitCheck(meta.ip);
	if (!TOKEN_PATTERN.test(token)) throw gone();
	const tokenHash = hashToken(token);
	const db = getDb();

	if ('user' in who) {
		const { user } = who;
		const roomId = await db.$transaction(async (tx) => {
			const roomId = await usableRoomId(tx, tokenHash);
			if (!roomId) throw gone();
			const banned = await tx.roomBan.findUnique({
				where: { roomId_userId: { roomId, userId: user.id } }
			});
			if (banned) throw new ApiError(403, 'FORBIDDEN', 'You cannot join this room');
			// Inserting first makes a double click (two concurrent accepts) spend one use only.
			if (!(await addListener(tx, roomId, user.id))) return roomId;
			if ((await spendUse(tx, tokenHash)) !== roomId) throw gone();
			return roomId;
		});
		const room = await db.room.findUniqueOrThrow({ where: { id: roomId } });
		return { room: toRoomInfo(room), user: toPublic(user) };
	}

	await assertSignUpAllowed('guest');
	const { guest, roomId } = await db.$transaction(async (tx) => {
		const roomId = await spendUse(tx, tokenHash);
		if (!roomId) throw gone();
		const guest = await tx.user.create({
			data: { displayName: who.displayName, isGuest: true, email: null, passwordHash: null }
		});
		await addListener(tx, roomId, guest.id);
		return { guest, roomId };
	});
	const { token: sessionToken, session } = await getSessions().create(guest.id, meta);
	const room = await db.room.findUniqueOrThrow({ where: { id: roomId } });
	return {
		room: toRoomInfo(room),
		user: toPublic(guest),
		session: { token: sessionToken, expiresAt: session.expiresAt }
	};
}
