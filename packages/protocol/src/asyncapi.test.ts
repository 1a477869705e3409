import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildAsyncApiDocument, DOCUMENT_PATH } from '../scripts/asyncapi.ts';
import { CLIENT_EVENT_SCHEMAS } from './event-schemas.ts';
import { CLIENT_EVENTS } from './events.ts';

/** The event names an interface of events.ts declares, read from the source text. */
function declared(name: string): string[] {
	const path = fileURLToPath(new URL('./events.ts', import.meta.url));
	const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
	const decl = file.statements.find(
		(s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name
	)!;
	return decl.members.map((m) => (m.name as ts.StringLiteral).text);
}

type Doc = ReturnType<typeof buildAsyncApiDocument>;
const committed = (): Doc => JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8'));

describe('AsyncAPI document of the realtime protocol', () => {
	it('is current: regenerate it with `pnpm --filter @chorus/protocol asyncapi`', () => {
		expect(committed()).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
	}, 60_000);

	it('has every command with its payload schema, ack and a receive operation', () => {
		const doc = committed();
		const commands = declared('ClientToServerEvents');
		expect(commands.length).toBeGreaterThan(20);
		expect([...commands].sort()).toEqual([...CLIENT_EVENTS].sort());
		expect(Object.keys(CLIENT_EVENT_SCHEMAS).sort()).toEqual([...commands].sort());
		for (const event of commands) {
			const key = event.replace(':', '.');
			const message = doc.components.messages[key]!;
			expect(message, event).toMatchObject({ name: event });
			// The very schema the realtime service validates the payload with.
			expect(message.payload).toEqual(
				expect.objectContaining({
					properties: (
						z.toJSONSchema(CLIENT_EVENT_SCHEMAS[event as keyof typeof CLIENT_EVENT_SCHEMAS], {
							target: 'draft-07',
							io: 'input'
						}) as { properties: unknown }
					).properties
				})
			);
			expect(doc.components.messages[`${key}.ack`]!.payload, event).toHaveProperty('oneOf');
			expect(doc.operations[key], event).toMatchObject({
				action: 'receive',
				reply: { messages: [{ $ref: `#/channels/socket/messages/${key}.ack` }] }
			});
		}
	});

	it('has every broadcast with its payload schema and a send operation', () => {
		const doc = committed();
		const broadcasts = declared('ServerToClientEvents');
		expect(broadcasts).toEqual(expect.arrayContaining(['queue:updated', 'playback:state']));
		for (const event of broadcasts) {
			const key = event.replace(':', '.');
			const payload = doc.components.messages[key]?.payload as { $ref?: string } | undefined;
			expect(payload?.$ref, event).toMatch(/^#\/components\/schemas\/\w+$/);
			expect(doc.components.schemas[payload!.$ref!.split('/').pop()!], event).toBeDefined();
			expect(doc.operations[key], event).toMatchObject({ action: 'send' });
		}
		const queueUpdated = doc.components.schemas.QueueUpdated as { required: string[] };
		expect(queueUpdated.required).toEqual(expect.arrayContaining(['version', 'queue']));
		expect(Object.keys(doc.operations)).toHaveLength(
			declared('ClientToServerEvents').length + broadcasts.length
		);
	});

	it('passes the AsyncAPI parser with no errors or warnings', async () => {
		const { document, diagnostics } = await new Parser().parse(JSON.stringify(committed()));
		expect(diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([]);
		expect(document?.operations().length).toBe(
			declared('ClientToServerEvents').length + declared('ServerToClientEvents').length
		);
	}, 30_000);
});
