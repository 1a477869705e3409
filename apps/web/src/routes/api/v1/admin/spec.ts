import { z } from 'zod';
import { auditPageSchema, auditQuery } from '$lib/server/admin/audit';
import { guestCleanupInput, guestCleanupResultSchema } from '$lib/server/admin/guests';
import { registrationSettingSchema, settingsInput } from '$lib/server/admin/settings';
import { storageUsageSchema } from '$lib/server/admin/storage';
import {
	takedownInput,
	takedownResultSchema,
	tracksPageSchema,
	tracksQuery
} from '$lib/server/admin/tracks';
import {
	adminUserSchema,
	userPatchInput,
	usersPageSchema,
	usersQuery
} from '$lib/server/admin/users';
import { defineRoutes, type RouteSpec, uuidParams } from '$lib/server/api/route-spec';

const ids = uuidParams('id');

// Every admin route answers 401 to anonymous callers and 403 to everyone who is not an admin.
const guarded = (extra: RouteSpec['responses']): RouteSpec['responses'] => ({
	...extra,
	401: { description: 'Not signed in' },
	403: { description: 'Not an instance admin (or a cross-site request)' }
});

const deletionSchema = z.object({
	tombstone: z.boolean(),
	deletedTracks: z.number(),
	keptTracks: z.number()
});
const settingsSchema = z.object({
	registration: registrationSettingSchema,
	guestRetentionDays: z.number()
});

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/admin/users',
		summary: 'Accounts (not deleted), newest first, filtered by email or name',
		auth: true,
		query: usersQuery,
		responses: guarded({
			200: { description: 'A page of users', schema: usersPageSchema },
			400: { description: 'Bad query' }
		})
	},
	{
		method: 'GET',
		path: '/api/v1/admin/users/{id}',
		summary: 'One account with its storage use and quota',
		auth: true,
		params: ids,
		responses: guarded({
			200: { description: 'The user', schema: z.object({ user: adminUserSchema }) },
			404: { description: 'No such user' }
		})
	},
	{
		method: 'PATCH',
		path: '/api/v1/admin/users/{id}',
		summary:
			'Disable or enable (disabling ends every session and socket at once), set the upload quota (null = default), grant or remove the admin role',
		auth: true,
		params: ids,
		body: userPatchInput,
		responses: guarded({
			200: {
				description: 'The user after the change',
				schema: z.object({ user: adminUserSchema })
			},
			400: { description: 'Invalid body' },
			404: { description: 'No such user' },
			409: { description: 'Yourself, the last admin, or an ADMIN_EMAILS admin' },
			422: { description: 'A guest or disabled account cannot become admin' }
		})
	},
	{
		method: 'DELETE',
		path: '/api/v1/admin/users/{id}',
		summary: 'Delete an account as its owner would (uploads others use stay under a tombstone)',
		auth: true,
		params: ids,
		responses: guarded({
			200: { description: 'What was deleted', schema: deletionSchema },
			404: { description: 'No such user' },
			409: { description: 'Yourself or the last admin' }
		})
	},
	{
		method: 'GET',
		path: '/api/v1/admin/tracks',
		summary: 'Every track of every user (any visibility), filtered by text or owner',
		auth: true,
		query: tracksQuery,
		responses: guarded({
			200: { description: 'A page of tracks', schema: tracksPageSchema },
			400: { description: 'Bad query' }
		})
	},
	{
		method: 'POST',
		path: '/api/v1/admin/tracks/{id}/takedown',
		summary:
			'Remove a track for everyone: library, playlists, likes and room queues (rooms resync); the blob goes when unused',
		auth: true,
		params: ids,
		body: takedownInput,
		bodyOptional: true,
		responses: guarded({
			200: { description: 'What was removed', schema: takedownResultSchema },
			404: { description: 'No such track' }
		})
	},
	{
		method: 'GET',
		path: '/api/v1/admin/storage',
		summary: 'Storage in use: stored blobs, uploaded bytes, the largest users',
		auth: true,
		responses: guarded({ 200: { description: 'Usage', schema: storageUsageSchema } })
	},
	{
		method: 'GET',
		path: '/api/v1/admin/settings',
		summary: 'Instance settings: the registration mode (and whether it is the env default)',
		auth: true,
		responses: guarded({ 200: { description: 'Settings', schema: settingsSchema } })
	},
	{
		method: 'PATCH',
		path: '/api/v1/admin/settings',
		summary: 'Set the registration mode: open, invite_only, closed, or null for REGISTRATION_MODE',
		auth: true,
		body: settingsInput,
		responses: guarded({
			200: { description: 'Settings', schema: settingsSchema },
			400: { description: 'Invalid body' }
		})
	},
	{
		method: 'POST',
		path: '/api/v1/admin/guests/cleanup',
		summary: 'Delete guest accounts unused for GUEST_RETENTION_DAYS (or olderThanDays) now',
		auth: true,
		body: guestCleanupInput,
		bodyOptional: true,
		responses: guarded({
			200: { description: 'How many were deleted', schema: guestCleanupResultSchema },
			400: { description: 'Invalid body' },
			422: { description: 'Cleanup is off and no olderThanDays was given' }
		})
	},
	{
		method: 'GET',
		path: '/api/v1/admin/audit',
		summary: 'The admin audit log, newest first, filtered by action or target',
		auth: true,
		query: auditQuery,
		responses: guarded({
			200: { description: 'A page of entries', schema: auditPageSchema },
			400: { description: 'Bad query' }
		})
	}
);
