// Generates the realtime protocol's AsyncAPI 3.0 document (packages/protocol/asyncapi.json) from
// the event maps: command payloads from the zod schemas the realtime service validates with,
// broadcasts and acks from the TypeScript types (typescript-json-schema reads them through the
// type checker, so z.infer types and interfaces alike come out as they are compiled).
//   pnpm --filter @chorus/protocol asyncapi        (writes the file; a unit test checks it is current)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as TJS from 'typescript-json-schema';
import { z } from 'zod';
import { CLIENT_EVENT_SCHEMAS } from '../src/event-schemas.ts';
import { CONNECT_ERROR_CODES, CLIENT_EVENTS } from '../src/events.ts';

type Schema = Record<string, unknown>;

export const DOCUMENT_PATH = fileURLToPath(new URL('../asyncapi.json', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const program = () =>
	TJS.getProgramFromFiles([`${SRC}event-types.ts`], {
		strict: true,
		module: 'nodenext',
		moduleResolution: 'nodenext',
		target: 'es2022',
		allowImportingTsExtensions: true,
		noEmit: true
	});

/**
 * The members of an interface in events.ts, with their JSDoc, read from the syntax (the type
 * checker here is typescript-json-schema's own TypeScript, not the project's).
 */
function membersOf(name: string): { name: string; doc: string }[] {
	const path = `${SRC}events.ts`;
	const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
	const decl = file.statements.find(
		(s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name
	);
	if (!decl) throw new Error(`No interface ${name} in events.ts`);
	const members = decl.members.map((m) => ({
		name: (m.name as ts.StringLiteral).text,
		doc: ts
			.getJSDocCommentsAndTags(m)
			.map((d) => (ts.isJSDoc(d) ? (ts.getTextOfJSDocComment(d.comment) ?? '') : ''))
			.join(' ')
			.replace(/\s+/g, ' ')
			.trim()
	}));
	// The reference is only as good as these: an event without a doc comment is a failure.
	const bare = members.filter((m) => !m.doc).map((m) => m.name);
	if (bare.length) throw new Error(`Events without a doc comment in events.ts: ${bare.join(', ')}`);
	return members;
}

/** Moves typescript-json-schema's definitions to components.schemas under their type names. */
function collectDefinitions(schemas: Schema[], into: Record<string, Schema>) {
	const rename = new Map<string, string>();
	const inline = new Map<string, Schema>();
	for (const s of schemas) {
		for (const [key, def] of Object.entries((s.definitions ?? {}) as Record<string, Schema>)) {
			// `import("/abs/path/src/rooms",…).RoomInfo` -> RoomInfo; anonymous types are inlined.
			const name = /^(?:import\(.*\)\.)?([A-Za-z_][\w]*)$/.exec(key)?.[1];
			if (!name) {
				inline.set(key, def);
				continue;
			}
			rename.set(key, name);
			const seen = into[name];
			if (seen && JSON.stringify(seen) !== JSON.stringify(def)) {
				throw new Error(`Two different types are both called ${name}`);
			}
			into[name] = def;
		}
		delete s.definitions;
	}
	const rewrite = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(rewrite);
		if (!node || typeof node !== 'object') return node;
		const obj = node as Schema;
		if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/definitions/')) {
			const key = decodeURIComponent(obj.$ref.slice('#/definitions/'.length));
			if (inline.has(key)) return rewrite(inline.get(key));
			const name = rename.get(key);
			if (!name) throw new Error(`Unresolved ${obj.$ref}`);
			return { $ref: `#/components/schemas/${name}` };
		}
		return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rewrite(v)]));
	};
	for (const name of new Set(rename.values())) into[name] = rewrite(into[name]) as Schema;
	return rewrite;
}

const messageKey = (event: string) => event.replace(':', '.');

export function buildAsyncApiDocument() {
	const p = program();
	const generator = TJS.buildGenerator(p, {
		required: true,
		ref: true,
		topRef: false,
		aliasRef: false,
		titles: false,
		strictNullChecks: true,
		ignoreErrors: false
	});
	if (!generator) throw new Error('typescript-json-schema could not read the protocol types');
	const broadcasts = generator.getSchemaForSymbol('ServerEventPayloads') as Schema;
	const acks = generator.getSchemaForSymbol('ClientEventAcks') as Schema;
	const ackError = generator.getSchemaForSymbol('AckError') as Schema;
	const components: Record<string, Schema> = {};
	const rewrite = collectDefinitions([broadcasts, acks, ackError], components);
	const { $schema: _a, ...ackErrorSchema } = rewrite(ackError) as Schema;
	components.AckError = ackErrorSchema;

	const serverEvents = membersOf('ServerToClientEvents');
	const clientEvents = membersOf('ClientToServerEvents');
	const clientNames = clientEvents.map((e) => e.name);
	if (JSON.stringify([...clientNames].sort()) !== JSON.stringify([...CLIENT_EVENTS].sort())) {
		throw new Error('CLIENT_EVENTS and ClientToServerEvents list different commands');
	}

	const messages: Record<string, Schema> = {};
	const operations: Record<string, Schema> = {};
	const channelMessages: Record<string, { $ref: string }> = {};
	const ref = (key: string) => ({ $ref: `#/components/messages/${key}` });
	const channelRef = { $ref: '#/channels/socket' };
	const channelMessageRef = (key: string) => ({ $ref: `#/channels/socket/messages/${key}` });

	for (const { name, doc } of clientEvents) {
		const key = messageKey(name);
		const zodSchema = CLIENT_EVENT_SCHEMAS[name as keyof typeof CLIENT_EVENT_SCHEMAS];
		const { $schema: _s, ...payload } = z.toJSONSchema(zodSchema, {
			target: 'draft-07',
			io: 'input',
			unrepresentable: 'any'
		});
		const ackData = rewrite((acks.properties as Record<string, Schema>)[name]);
		messages[key] = {
			name,
			title: name,
			summary: doc,
			payload
		};
		messages[`${key}.ack`] = {
			name: `${name} ack`,
			title: `${name} ack`,
			summary: `The answer to ${name}: { ok: true, data } or { ok: false, error }`,
			payload: {
				oneOf: [
					{
						type: 'object',
						properties: { ok: { const: true }, data: ackData },
						required: ['ok', 'data'],
						additionalProperties: false
					},
					{
						type: 'object',
						properties: { ok: { const: false }, error: { $ref: '#/components/schemas/AckError' } },
						required: ['ok', 'error'],
						additionalProperties: false
					}
				]
			}
		};
		channelMessages[key] = ref(key);
		channelMessages[`${key}.ack`] = ref(`${key}.ack`);
		operations[key] = {
			action: 'receive',
			channel: channelRef,
			summary: `Client -> server: ${name}`,
			messages: [channelMessageRef(key)],
			reply: { channel: channelRef, messages: [channelMessageRef(`${key}.ack`)] }
		};
	}
	for (const { name, doc } of serverEvents) {
		const key = messageKey(name);
		const payload = rewrite((broadcasts.properties as Record<string, Schema>)[name]);
		messages[key] = { name, title: name, summary: doc, payload };
		channelMessages[key] = ref(key);
		operations[key] = {
			action: 'send',
			channel: channelRef,
			summary: `Server -> client: ${name}`,
			messages: [channelMessageRef(key)]
		};
	}

	return {
		asyncapi: '3.1.0',
		info: {
			title: 'Chorus realtime protocol',
			version: '1',
			description: [
				'Socket.IO (v4) on the realtime service: one connection per tab, authenticated in the',
				'handshake by the same session cookie as the HTTP API (chorus_session), from an allowed',
				`Origin. A refused handshake ends in connect_error with data.code one of`,
				`${CONNECT_ERROR_CODES.join(', ')}.`,
				'',
				'Commands (client -> server, `domain:verb`) are emitted with a Socket.IO acknowledgement',
				'callback, which the server calls once with `{ ok: true, data }` or',
				'`{ ok: false, error: { code, message, issues? } }`. Mutations carry a client-chosen',
				'mutationId (a retry with the same id is applied once).',
				'',
				'Broadcasts (server -> client, `domain:past-tense` or `domain:state`) reach the sockets of',
				'a room; versioned ones carry the room version, and a client that sees a gap asks for',
				'`room:sync`.'
			].join('\n')
		},
		defaultContentType: 'application/json',
		servers: {
			realtime: {
				host: '{host}',
				protocol: 'wss',
				pathname: '/socket.io/',
				description: 'The realtime service (PUBLIC_REALTIME_URL, or the web origin behind a proxy)',
				variables: { host: { default: 'localhost:3001' } }
			}
		},
		channels: {
			socket: {
				address: '/',
				title: 'The Socket.IO connection (default namespace)',
				servers: [{ $ref: '#/servers/realtime' }],
				messages: channelMessages
			}
		},
		operations,
		components: { schemas: components, messages }
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	// Written as `pnpm format` would leave it, so `pnpm lint` passes right after.
	const { format, resolveConfig } = await import('prettier');
	const options = { ...(await resolveConfig(DOCUMENT_PATH)), filepath: DOCUMENT_PATH };
	writeFileSync(DOCUMENT_PATH, await format(JSON.stringify(buildAsyncApiDocument()), options));
	console.log(`wrote ${DOCUMENT_PATH}`);
}
