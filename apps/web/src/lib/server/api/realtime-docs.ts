// The realtime protocol's reference: the AsyncAPI document generated from packages/protocol
// (pnpm --filter @chorus/protocol asyncapi), served as JSON and as one plain HTML page.
import asyncapi from '@chorus/protocol/asyncapi.json';
import { escapeHtml } from './docs.ts';

export const asyncApiDocument = () => asyncapi;

/** No script at all on this page; only its own <style>. */
export const REALTIME_DOCS_CSP = [
	"default-src 'none'",
	"style-src 'unsafe-inline'",
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'"
].join('; ');

interface Message {
	name: string;
	summary: string;
	payload: unknown;
}
interface Operation {
	action: 'send' | 'receive';
	messages: { $ref: string }[];
	reply?: { messages: { $ref: string }[] };
}

const messages = asyncapi.components.messages as Record<string, Message>;
const messageOf = (ref: string) => messages[ref.split('/').pop()!]!;
const anchor = (s: string) => s.replace(/[^\w-]/g, '-');

/** Pretty JSON with its component $refs as links to the schema below. */
function schemaHtml(schema: unknown): string {
	return `<pre>${escapeHtml(JSON.stringify(schema, null, 2)).replace(
		/&quot;#\/components\/schemas\/(\w+)&quot;/g,
		(_, name: string) => `<a href="#schema-${name}">${name}</a>`
	)}</pre>`;
}

function eventHtml(op: Operation): string {
	const message = messageOf(op.messages[0]!.$ref);
	const ack = op.reply ? messageOf(op.reply.messages[0]!.$ref) : null;
	return `<section id="event-${anchor(message.name)}">
<h3><code>${escapeHtml(message.name)}</code></h3>
<p>${escapeHtml(message.summary)}</p>
<h4>Payload</h4>
${schemaHtml(message.payload)}
${ack ? `<h4>Ack</h4>\n${schemaHtml(ack.payload)}` : ''}
</section>`;
}

export function realtimeDocsPage(): string {
	const ops = Object.values(asyncapi.operations) as Operation[];
	const commands = ops.filter((o) => o.action === 'receive');
	const broadcasts = ops.filter((o) => o.action === 'send');
	const toc = (list: Operation[]) =>
		list
			.map((o) => messageOf(o.messages[0]!.$ref).name)
			.map((n) => `<li><a href="#event-${anchor(n)}"><code>${escapeHtml(n)}</code></a></li>`)
			.join('');
	const schemas = Object.entries(asyncapi.components.schemas)
		.map(
			([name, s]) =>
				`<section id="schema-${name}"><h3><code>${name}</code></h3>${schemaHtml(s)}</section>`
		)
		.join('\n');
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(asyncapi.info.title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
pre { background: #f4f4f6; padding: .75rem; overflow: auto; font-size: 13px; border-radius: 6px; }
section { border-top: 1px solid #ddd; margin-top: 1.5rem; }
.intro { white-space: pre-line; }
nav ul { columns: 3; }
</style>
</head>
<body>
<h1>${escapeHtml(asyncapi.info.title)}</h1>
<p class="intro">${escapeHtml(asyncapi.info.description)}</p>
<p>AsyncAPI ${escapeHtml(asyncapi.asyncapi)} document: <a href="/api/v1/asyncapi.json">/api/v1/asyncapi.json</a>. The HTTP API: <a href="/api/docs">/api/docs</a>.</p>
<nav aria-label="Events">
<h2>Commands (client &rarr; server, with an ack)</h2><ul>${toc(commands)}</ul>
<h2>Broadcasts (server &rarr; client)</h2><ul>${toc(broadcasts)}</ul>
</nav>
<main>
<h2>Commands</h2>
${commands.map(eventHtml).join('\n')}
<h2>Broadcasts</h2>
${broadcasts.map(eventHtml).join('\n')}
<h2>Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}
