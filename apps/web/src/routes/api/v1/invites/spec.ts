import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { acceptInviteInput, invitePreviewSchema } from '$lib/server/rooms/invites';
import { roomInfoSchema } from '$lib/server/rooms/rooms';

const gone = {
	description: 'Unknown, expired, revoked or used-up link (one answer for all)'
};
const limited = { description: 'Too many invite checks from this address (see Retry-After)' };

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/invites/{token}',
		summary: 'What an invite link leads to (counts a view); no sign-in needed',
		auth: false,
		responses: {
			200: { description: 'Preview', schema: invitePreviewSchema },
			410: gone,
			429: limited
		}
	},
	{
		method: 'POST',
		path: '/api/v1/invites/{token}/accept',
		summary:
			'Join the room. Signed in: as a listener (no body needed; already a member spends no use). Anonymous: send displayName to join as a guest (sets the session cookie).',
		auth: false,
		body: acceptInviteInput,
		bodyOptional: true,
		responses: {
			200: {
				description: 'Joined',
				schema: z.object({ room: roomInfoSchema, user: publicUserSchema })
			},
			400: { description: 'Anonymous without a valid displayName' },
			403: { description: 'Banned from this room, or a cross-site request' },
			410: gone,
			429: limited
		}
	}
);
