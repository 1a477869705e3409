import {
	memberBanSchema,
	memberKickSchema,
	memberSetRoleSchema,
	memberTransferHostSchema
} from '@chorus/protocol';
import type { ChorusSocket, Engine } from '../engine/index.ts';
import { commands } from '../socket/command.ts';
import { changeRole, remove, transferHost } from './members.service.ts';

export function register(socket: ChorusSocket, engine: Engine): void {
	const on = commands(socket, engine, engine.logger('members'));
	const actor = { userId: socket.data.userId };
	on('member:set-role', memberSetRoleSchema, (p) => changeRole(engine, actor, p));
	on('member:transfer-host', memberTransferHostSchema, (p) => transferHost(engine, actor, p));
	on('member:kick', memberKickSchema, (p) => remove(engine, actor, p, 'kicked'));
	on('member:ban', memberBanSchema, (p) => remove(engine, actor, p, 'banned'));
}
