import {
	queueAddSchema,
	queueMoveSchema,
	queuePinSchema,
	queueRemoveSchema,
	voteCastSchema
} from '@chorus/protocol';
import type { ChorusSocket, Engine } from '../engine/index.ts';
import { commands } from '../socket/command.ts';
import { add, move, pin, remove, vote } from './queue.service.ts';

export function register(socket: ChorusSocket, engine: Engine): void {
	const on = commands(socket, engine, engine.logger('queue'));
	const actor = { userId: socket.data.userId };
	on('queue:add', queueAddSchema, (p) => add(engine, actor, p));
	on('queue:remove', queueRemoveSchema, (p) => remove(engine, actor, p));
	on('queue:move', queueMoveSchema, (p) => move(engine, actor, p));
	on('queue:pin', queuePinSchema, (p) => pin(engine, actor, p));
	on('vote:cast', voteCastSchema, (p) => vote(engine, actor, p));
}
