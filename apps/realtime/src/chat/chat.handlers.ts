import { chatDeleteSchema, chatMuteSchema, chatSendSchema } from '@chorus/protocol';
import type { ChorusSocket, Engine } from '../engine/index.ts';
import { commands } from '../socket/command.ts';
import { mute, remove, send } from './chat.service.ts';

export function register(socket: ChorusSocket, engine: Engine): void {
	const on = commands(socket, engine, engine.logger('chat'));
	const actor = { userId: socket.data.userId };
	on('chat:send', chatSendSchema, (p) => send(engine, actor, p));
	on('chat:delete', chatDeleteSchema, (p) => remove(engine, actor, p));
	on('chat:mute', chatMuteSchema, (p) => mute(engine, actor, p));
}
