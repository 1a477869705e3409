// Type-level views of the event maps, for generating the realtime protocol's AsyncAPI document
// (scripts/asyncapi.ts): what each broadcast carries, and what each command's ack returns.
import type { Ack } from './ack.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './events.ts';

type PayloadOf<F> = F extends (payload: infer P, ...rest: never[]) => void ? P : never;
type AckDataOf<F> = F extends (payload: never, ack: (res: Ack<infer D>) => void) => void
	? D
	: never;

/** Per server -> client event, its payload. */
export type ServerEventPayloads = {
	[K in keyof ServerToClientEvents]: PayloadOf<ServerToClientEvents[K]>;
};
/** Per client -> server command, the `data` of a successful ack. */
export type ClientEventAcks = {
	[K in keyof ClientToServerEvents]: AckDataOf<ClientToServerEvents[K]>;
};
