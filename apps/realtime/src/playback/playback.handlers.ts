import {
	playbackPauseSchema,
	playbackPlaySchema,
	playbackPreviousSchema,
	playbackSeekSchema,
	playbackSkipSchema,
	skipVoteSchema
} from '@chorus/protocol';
import type { ChorusSocket, Engine, SliceConfig } from '../engine/index.ts';
import { QUEUED_HOOK } from '../queue/queue.service.ts';
import { commands } from '../socket/command.ts';
import { pause, play, previous, seek, skip, skipVote, startIfIdle } from './playback.service.ts';
import { startIdlePause } from './playback.idle.ts';
import { startAdvanceTicker } from './playback.ticker.ts';

/**
 * Per node: the track-end ticker, the pause of rooms nobody listens to, and an idle room starts
 * when a track is queued.
 */
export function start(engine: Engine, config: SliceConfig): () => void {
	engine.hook(QUEUED_HOOK, startIfIdle);
	const ticker = startAdvanceTicker(engine);
	const idle = config.idlePauseMs > 0 ? startIdlePause(engine, config.idlePauseMs) : null;
	return () => {
		ticker.stop();
		idle?.stop();
	};
}

export function register(socket: ChorusSocket, engine: Engine): void {
	const on = commands(socket, engine, engine.logger('playback'));
	const actor = { userId: socket.data.userId };
	on('playback:play', playbackPlaySchema, (p) => play(engine, actor, p));
	on('playback:pause', playbackPauseSchema, (p) => pause(engine, actor, p));
	on('playback:skip', playbackSkipSchema, (p) => skip(engine, actor, p));
	on('playback:previous', playbackPreviousSchema, (p) => previous(engine, actor, p));
	on('playback:seek', playbackSeekSchema, (p) => seek(engine, actor, p));
	on('skip:vote', skipVoteSchema, (p) => skipVote(engine, actor, p));
}
