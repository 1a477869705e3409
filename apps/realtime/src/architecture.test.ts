// The realtime service's shape is enforced by ESLint (eslint.config.js, realtimeLayers): each
// rule is shown to fail when broken and to pass the import it allows; slices form no cycles.
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;
const ROOT = join(SRC, '../../..');
const SLICES = ['room', 'members', 'queue', 'playback', 'chat', 'presence', 'clock'];
const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath: join(SRC, path) });
	return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (from: string) => `import * as x from '${from}';\nexport const y = x;\n`;

describe('import rules', () => {
	// Loading the flat config (plugins, parsers) takes a few seconds, once.
	beforeAll(() => restricted('engine/engine.ts', ''), 60_000);

	it.each([
		['engine/fanout.ts', '../queue/queue.service.ts', 'The engine imports no feature slice'],
		['engine/engine.ts', '../room/room.store.ts', 'The engine imports no feature slice'],
		['engine/engine.ts', '../socket/command.ts', 'not the socket layer'],
		['socket/command.ts', '../chat/chat.service.ts', 'The socket layer imports no feature slice'],
		['queue/queue.service.ts', '../engine/mutations.ts', 'through engine/index.ts only'],
		['room/room.handlers.ts', '../engine/presence.ts', 'through engine/index.ts only'],
		['chat/chat.store.ts', './chat.service.ts', 'Stores hold no rules'],
		['playback/playback.store.ts', '../queue/queue.handlers.ts', 'Stores hold no rules'],
		['members/members.service.ts', './members.handlers.ts', 'Services import no handlers']
	])('%s may not import %s', async (file, target, message) => {
		const messages = await restricted(file, use(target));
		expect(messages).toHaveLength(1);
		expect(messages[0]).toContain(message);
	});

	it.each([
		['engine/engine.ts', './fanout.ts'],
		['engine/engine.ts', '../logger.ts'],
		['socket/command.ts', '../engine/index.ts'],
		['queue/queue.service.ts', '../engine/index.ts'],
		['queue/queue.service.ts', './queue.store.ts'],
		['playback/playback.service.ts', '../queue/queue.store.ts'],
		['chat/chat.handlers.ts', './chat.service.ts'],
		['presence/presence.handlers.ts', '../socket/command.ts']
	])('%s may import %s', async (file, target) => {
		expect(await restricted(file, use(target))).toEqual([]);
	});
});

/** Which slices each slice imports, read from the source. */
function sliceGraph(): Map<string, Set<string>> {
	const graph = new Map<string, Set<string>>();
	for (const slice of SLICES) {
		const deps = new Set<string>();
		for (const file of readdirSync(join(SRC, slice))) {
			const text = readFileSync(join(SRC, slice, file), 'utf8');
			for (const [, target] of text.matchAll(/from '\.\.\/([a-z]+)\//g)) {
				if (SLICES.includes(target!) && target !== slice) deps.add(target!);
			}
		}
		graph.set(slice, deps);
	}
	return graph;
}

function cycle(graph: Map<string, Set<string>>): string[] | null {
	const state = new Map<string, 'open' | 'done'>();
	const path: string[] = [];
	const visit = (n: string): string[] | null => {
		if (state.get(n) === 'done') return null;
		if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
		state.set(n, 'open');
		path.push(n);
		for (const d of graph.get(n) ?? []) {
			const found = visit(d);
			if (found) return found;
		}
		path.pop();
		state.set(n, 'done');
		return null;
	};
	for (const n of graph.keys()) {
		const found = visit(n);
		if (found) return found;
	}
	return null;
}

describe('slices', () => {
	it('import each other without cycles (a slice cycle would make them one feature)', () => {
		const graph = sliceGraph();
		expect(cycle(graph), JSON.stringify([...graph].map(([k, v]) => [k, [...v]]))).toBeNull();
		// The check itself finds a cycle when there is one.
		expect(
			cycle(
				new Map([
					['a', new Set(['b'])],
					['b', new Set(['a'])]
				])
			)
		).toEqual(['a', 'b', 'a']);
	});

	it('each has handlers, and the engine folder names no slice', () => {
		for (const slice of SLICES) {
			expect(readdirSync(join(SRC, slice))).toContain(`${slice}.handlers.ts`);
		}
		for (const file of readdirSync(join(SRC, 'engine'))) {
			const text = readFileSync(join(SRC, 'engine', file), 'utf8');
			expect(text, relative(ROOT, join(SRC, 'engine', file))).not.toMatch(
				new RegExp(`from '\\.\\./(${SLICES.join('|')})/`)
			);
		}
	});
});
