import type { z } from 'zod';
import type { ClientToServerEvents } from './events.ts';
import {
	chatDeleteSchema,
	chatMuteSchema,
	chatSendSchema,
	memberBanSchema,
	memberKickSchema,
	memberSetRoleSchema,
	memberTransferHostSchema,
	playbackPauseSchema,
	playbackPlaySchema,
	playbackPreviousSchema,
	playbackSeekSchema,
	playbackSkipSchema,
	presenceSetSchema,
	queueAddSchema,
	queueMoveSchema,
	queuePinSchema,
	queueRemoveSchema,
	reactionSendSchema,
	roomJoinSchema,
	roomLeaveSchema,
	roomSyncSchema,
	roomUpdateSchema,
	skipVoteSchema,
	syncReportSchema,
	voteCastSchema
} from './rooms.ts';
import { clockPingSchema } from './schemas.ts';

/**
 * The schema the realtime service validates each command's payload with. Every command must be
 * here (the type says so), and the AsyncAPI document takes the payload schemas from it.
 */
export const CLIENT_EVENT_SCHEMAS = {
	'clock:ping': clockPingSchema,
	'room:join': roomJoinSchema,
	'room:sync': roomSyncSchema,
	'room:leave': roomLeaveSchema,
	'room:update': roomUpdateSchema,
	'member:set-role': memberSetRoleSchema,
	'member:transfer-host': memberTransferHostSchema,
	'member:kick': memberKickSchema,
	'member:ban': memberBanSchema,
	'presence:set': presenceSetSchema,
	'queue:add': queueAddSchema,
	'queue:remove': queueRemoveSchema,
	'queue:move': queueMoveSchema,
	'queue:pin': queuePinSchema,
	'vote:cast': voteCastSchema,
	'skip:vote': skipVoteSchema,
	'playback:play': playbackPlaySchema,
	'playback:pause': playbackPauseSchema,
	'playback:skip': playbackSkipSchema,
	'playback:previous': playbackPreviousSchema,
	'playback:seek': playbackSeekSchema,
	'chat:send': chatSendSchema,
	'chat:delete': chatDeleteSchema,
	'chat:mute': chatMuteSchema,
	'reaction:send': reactionSendSchema,
	'sync:report': syncReportSchema
} as const satisfies { [K in keyof ClientToServerEvents]: z.ZodType };
