import { z } from 'zod';
import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';
import {
	createdInviteSchema,
	createInviteInput,
	inviteSummarySchema
} from '$lib/server/rooms/invites';
import { roomTracksQuery, roomTracksSchema } from '$lib/server/rooms/room-tracks';
import {
	createRoomInput,
	myRoomSchema,
	roomForMemberSchema,
	roomInfoSchema
} from '$lib/server/rooms/rooms';

const ids = uuidParams('id', 'inviteId');

const one = '/api/v1/rooms/{id}';
const notMember = { description: 'Unknown room, or not a member' };
const notStaff = { description: 'Only the host and co-hosts may manage invites' };

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/rooms',
		summary: 'Open rooms you are a member of, with your role, member count and what is playing',
		auth: true,
		responses: {
			200: { description: 'Rooms', schema: z.object({ rooms: z.array(myRoomSchema) }) },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/rooms',
		summary: 'Create a room; you become its host (settings default to the room defaults)',
		auth: true,
		body: createRoomInput,
		responses: {
			201: { description: 'Created', schema: z.object({ room: roomInfoSchema }) },
			400: { description: 'Invalid input' },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'GET',
		path: one,
		summary: 'A room you are a member of, with your role and permissions',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Room', schema: roomForMemberSchema },
			401: { description: 'Not signed in' },
			404: notMember
		}
	},
	{
		method: 'GET',
		path: `${one}/tracks`,
		summary:
			'Tracks this room already had in its queue (now or before) that you may queue again, filtered by title, artist or album. What guests add from when the room does not let them search the library.',
		auth: true,
		params: ids,
		query: roomTracksQuery,
		responses: {
			200: { description: 'Tracks', schema: roomTracksSchema },
			400: { description: 'Malformed q or limit' },
			401: { description: 'Not signed in' },
			404: notMember
		}
	},
	{
		method: 'POST',
		path: `${one}/invites`,
		summary:
			'Create an invite link (expiresInSec 60..2592000, default a week, null = never; maxUses 1..10000, default unlimited). The token is shown only here.',
		auth: true,
		params: ids,
		body: createInviteInput,
		bodyOptional: true,
		responses: {
			201: { description: 'Created', schema: z.object({ invite: createdInviteSchema }) },
			400: { description: 'Invalid input' },
			403: notStaff,
			404: notMember
		}
	},
	{
		method: 'GET',
		path: `${one}/invites`,
		summary: "The room's invites with their use counts and state (never their tokens)",
		auth: true,
		params: ids,
		responses: {
			200: {
				description: 'Invites',
				schema: z.object({ invites: z.array(inviteSummarySchema) })
			},
			403: notStaff,
			404: notMember
		}
	},
	{
		method: 'DELETE',
		path: `${one}/invites/{inviteId}`,
		summary: 'Revoke an invite (idempotent)',
		auth: true,
		params: ids,
		responses: {
			204: { description: 'Revoked' },
			403: notStaff,
			404: { description: 'Unknown room or invite, or not a member' }
		}
	}
);
