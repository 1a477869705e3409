// chorus_typo_candidates() (prisma/migrations/20261203120000_search_words.sql) only shortlists
// by trigrams; typos.ts then measures the real distance. The shortlist's thresholds are meant as
// lower bounds: no word within the typo budget may be left out. This checks every one-typo
// variant of a vocabulary (and samples of two-typo variants and of misspelled beginnings).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	osaDistance,
	prefixOsaDistance,
	typoBudget
} from '../apps/web/src/lib/server/library/typos.ts';
import { dbmate } from '../scripts/lib/migrate.ts';
import { testDatabase, type Database } from '../scripts/lib/postgres.ts';

const OWNER = '00000000-0000-4000-8000-00000000000a';
const WORDS = `aurora borealis northern lights midnight summer shadow golden burning thunder
whisper velvet crystal stranger revolution photograph television champagne butterfly everything
yesterday together beatles nirvana metallica radiohead symphony serenade nocturne rhapsody
boulevard sevens`.split(/\s+/);
const LETTERS = 'aeiorstnlx';

/** Every word one typo away (letters from a small alphabet for insertions and substitutions). */
function oneTypo(w: string): string[] {
	const out = new Set<string>();
	for (let i = 0; i < w.length; i++) {
		out.add(w.slice(0, i) + w.slice(i + 1));
		if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
		for (const c of LETTERS) out.add(w.slice(0, i) + c + w.slice(i + 1));
	}
	for (let i = 0; i <= w.length; i++)
		for (const c of LETTERS) out.add(w.slice(0, i) + c + w.slice(i));
	out.delete(w);
	return [...out];
}
const every = <T>(xs: T[], k: number) => xs.filter((_, i) => i % k === 0);

let db: Database | undefined;
let client: pg.Client | undefined;

beforeAll(async () => {
	db = await testDatabase('typos');
	await dbmate(db.url, ['up'], true);
	client = new pg.Client({ connectionString: db.url });
	await client.connect();
	await client.query(
		`INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, 'o@x.invalid', 'O', 'x')`,
		[OWNER]
	);
	await client.query(
		`INSERT INTO blobs (sha256, size_bytes, mime_type) VALUES (repeat('0', 64), 1, 'audio/mpeg')`
	);
	await client.query(
		`INSERT INTO tracks (owner_id, blob_sha256, title, artist, duration_ms, container, codec,
			mime_type, size_bytes)
		 SELECT $1, repeat('0', 64), w, 'x', 1, 'mp3', 'mp3', 'audio/mpeg', 1 FROM unnest($2::text[]) w`,
		[OWNER, WORDS]
	);
}, 60_000);

afterAll(async () => {
	await client?.end();
	await db?.stop();
});

/** The query words (of those given) whose shortlist lacks `target`. */
async function missing(queries: string[], target: string, asPrefix: boolean): Promise<string[]> {
	const { rows } = await client!.query<{ q: string }>(
		`SELECT q FROM unnest($1::text[], $2::int[]) v (q, budget)
		 WHERE NOT $3 = ANY (ARRAY(SELECT chorus_typo_candidates(v.q, v.budget, $4, $5)))`,
		[queries, queries.map(typoBudget), target, asPrefix, OWNER]
	);
	return rows.map((r) => r.q);
}

describe('chorus_typo_candidates', () => {
	it('shortlists every word one typo away (5+ characters)', async () => {
		for (const w of WORDS) {
			const queries = oneTypo(w).filter((q) => typoBudget(q) >= 1 && osaDistance(q, w) === 1);
			expect(await missing(queries, w, false), w).toEqual([]);
		}
	});

	it('shortlists words two typos away (9+ characters)', async () => {
		for (const w of WORDS.filter((x) => x.length >= 10)) {
			const queries = every(oneTypo(w), 5)
				.flatMap((q) => every(oneTypo(q), 9))
				.filter((q) => typoBudget(q) === 2 && osaDistance(q, w) === 2);
			expect(await missing(queries, w, false), w).toEqual([]);
		}
	});

	it('shortlists words that start with a misspelling of the word being typed', async () => {
		for (const w of WORDS.filter((x) => x.length >= 7)) {
			for (let n = 5; n < w.length; n++) {
				const queries = every(oneTypo(w.slice(0, n)), 2).filter(
					(q) => typoBudget(q) >= 1 && prefixOsaDistance(q, w) === 1
				);
				expect(await missing(queries, w, true), `${w} (${n})`).toEqual([]);
			}
		}
	});

	it('shortlists nothing without a budget, nor from scopes the viewer cannot search', async () => {
		const { rows } = await client!.query<{ a: string[]; b: string[]; c: string[] }>(
			`SELECT ARRAY(SELECT chorus_typo_candidates('auorra', 0, false, $1)) AS a,
				ARRAY(SELECT chorus_typo_candidates('auorra', 1, false, gen_random_uuid())) AS b,
				ARRAY(SELECT chorus_typo_candidates('auorra', 1, false, $1)) AS c`,
			[OWNER]
		);
		expect(rows[0]).toEqual({ a: [], b: [], c: ['aurora'] });
	});
});
