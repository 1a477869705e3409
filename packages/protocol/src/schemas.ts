import { z } from 'zod';

// Field rules shared by the HTTP API, the forms and the realtime service.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
export const DISPLAY_NAME_MAX_LENGTH = 64;

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.max(254, 'Email is too long')
	.pipe(z.email({ message: 'Enter a valid email address' }));

export const passwordSchema = z
	.string()
	.min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
	.max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const displayNameSchema = z
	.string()
	.trim()
	.min(1, 'Display name is required')
	.max(
		DISPLAY_NAME_MAX_LENGTH,
		`Display name must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`
	)
	// Control characters would let a name spoof UI or logs.
	.refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'Display name contains invalid characters');

export const publicUserSchema = z.object({
	id: z.uuid(),
	/** Null for a guest account (joined from an invite with only a display name). */
	email: z.string().nullable(),
	displayName: z.string(),
	isGuest: z.boolean(),
	/** Unverified accounts work but are marked until the emailed link is followed. */
	emailVerified: z.boolean(),
	/** Versioned URL of the WebP avatar; null when none was uploaded. */
	avatarUrl: z.string().nullable(),
	twoFactorEnabled: z.boolean()
});
export type PublicUser = z.infer<typeof publicUserSchema>;

// ---- realtime payloads ----

export const clockPingSchema = z.strictObject({
	/** Client send time, in the client's own clock (ms). */
	t0: z.number().finite(),
	/** The client's current best round trip, so the server can schedule commands far enough ahead. */
	rttMs: z.number().finite().min(0).max(60_000).optional()
});
export type ClockPing = z.infer<typeof clockPingSchema>;

export interface ClockPong {
	t0: number;
	/** Server receive time (ms since epoch, sub-ms precision). */
	t1: number;
	/** Server send time. */
	t2: number;
}

export interface DevicesState {
	/** How many sockets this user has open across all realtime nodes. */
	connections: number;
}
