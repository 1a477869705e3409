// Latency of the library search SQL (GET /api/v1/search, /search/suggest, /genres) on a fresh
// database filled with synthetic public tracks, against a primary-key lookup in the same run.
// The statements come from the app's own builders (apps/web/src/lib/server/library/search.ts),
// so this measures exactly what the server sends.
//
//   node --import tsx bench/search/run.ts [--rows 100000] [--iterations 40] [--try-indexes yes]
//     [--vocabulary 200000]
import { registerHooks } from 'node:module';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dbmate } from '../../scripts/lib/migrate.ts';
import { testDatabase } from '../../scripts/lib/postgres.ts';
import { benchArgs, runBench } from '../lib/harness.ts';
import { line, machineNote, note, percentile, verdict } from '../lib/measure.ts';

// The search module reaches env.ts, which imports SvelteKit's virtual modules; outside Vite they
// are stubbed (nothing here reads the environment through them).
const stubs: Record<string, string> = {
	'$app/environment': 'export const dev = false; export const building = false;',
	'$env/dynamic/private': 'export const env = process.env;'
};
registerHooks({
	resolve(specifier, context, next) {
		const stub = stubs[specifier];
		if (stub)
			return { url: `data:text/javascript,${encodeURIComponent(stub)}`, shortCircuit: true };
		return next(specifier, context);
	}
});
const search = await import('../../apps/web/src/lib/server/library/search.ts');
const browse = await import('../../apps/web/src/lib/server/library/browse.ts');
type SearchParams = import('../../apps/web/src/lib/server/library/search.ts').SearchParams;

const args = benchArgs(
	{ rows: 100_000, iterations: 40, chunk: 100_000, vocabulary: 0 },
	{
		rows: [1_000, 5_000_000],
		iterations: [5, 1000],
		chunk: [1_000, 1_000_000],
		vocabulary: [0, 2_000_000]
	},
	{ 'try-indexes': ['no', 'yes'] }
);
// Generating and indexing 1M rows takes ~1.5 min on 2 cores; queries a few seconds per 100k.
const limitMs = (120 + (args.rows / 1e6) * 400 + args.iterations * 2) * 1000;

const OWNER = '00000000-0000-4000-8000-000000000001';
/** A searcher who owns nothing: sees exactly the public tracks. */
const SEARCHER = '00000000-0000-4000-8000-000000000002';

// Realistic-ish names: a vocabulary with a skewed (Zipf-like) pick, so some words are in a few
// percent of all titles ("love", "night") and most are rare; 2400 generated band names plus a
// few real ones with accents; some titles and albums have accents too.
const WORDS =
	`love night heart dance fire dream rain summer blue midnight city road home light shadow
river star moon sun gold wild young lost time world song day girl boy baby tonight forever crazy
sweet black white red ocean sky angel devil ghost highway paradise heaven island lonely broken
electric golden silver burning falling running waiting dancing thunder storm winter autumn spring
morning evening memory echo whisper silence velvet crystal diamond neon paper glass stone iron rose
garden window mirror stranger lover friend enemy king queen kingdom empire rebel hero freedom
revolution promise secret story letter photograph radio television machine rocket planet galaxy
universe coffee café señorita corazón canción noche amor fiesta mañana été rêve cœur über schön
nacht liebe naïve déjà vu fiancée piñata jalapeño smörgåsbord fjord sauna tango samba bossa nova
blues soul funk groove rhythm melody harmony symphony serenade lullaby anthem ballad requiem
overture prelude nocturne waltz rhapsody sonata fever poison medicine sugar honey candy cherry
lemon peach wine whiskey tequila champagne cigarette smoke mist fog cloud wind wave tide shore
harbor bridge tunnel street avenue boulevard alley corner station train airplane ship car bicycle
horse wolf tiger lion eagle raven dove butterfly snake dragon unicorn phoenix monster robot alien
cowboy sailor soldier pilot driver dreamer runner dancer singer player hunter killer lady mister
doctor teacher preacher sister brother mother father daughter son children people everybody
nobody somebody anything everything nothing always never again tomorrow yesterday today goodbye
hello please sorry thanks yes no maybe why where when what who how down up over under inside
outside between beyond without within together alone apart away back around`.split(/\s+/);
const ADJECTIVES = `The Black Electric Velvet Silver Crimson Midnight Golden Neon Arctic Royal Lunar
Solar Wild Broken Lost Young Dead Happy Cosmic Little Big Old New Northern Southern Eastern Western
Holy Dirty Pretty Sonic Atomic Magnetic Radio Sunset Ocean Paper Glass Stone`.split(/\s+/);
const NOUNS = `Monkeys Keys Lips Stones Kings Queens Wolves Foxes Tigers Lions Ravens Doves Hearts
Ghosts Angels Devils Machines Robots Pilots Sailors Cowboys Riders Dreamers Runners Dancers Sisters
Brothers Children Strangers Lovers Rebels Heroes Saints Sinners Shadows Echoes Waves Tides Storms
Clouds Stars Planets Rockets Engines Wheels Bells Drums Guitars Violins Horns Club Band Orchestra
Collective Project Experience Society Brigade Union Parade`.split(/\s+/);
const FAMOUS = [
	'The Beatles',
	'Nirvana',
	'Café del Mar',
	'Björk',
	'Beyoncé',
	'Sigur Rós',
	'Motörhead',
	'Mötley Crüe',
	'Daft Punk',
	'Radiohead',
	'Queen',
	'Abba',
	'Coldplay',
	'Metallica',
	'Madonna',
	'Prince',
	'Rihanna',
	'Adele',
	'Shakira',
	'Maná',
	'Édith Piaf',
	'Zoë Keating',
	'Røyksopp',
	'Mø',
	'Hüsker Dü',
	'Blue Öyster Cult',
	'Céline Dion',
	'Michael Bublé',
	'Amadou & Mariam',
	'Los Lobos'
];
/** For --vocabulary: made-up words from these, with trigrams as shared as real words'. */
const SYLLABLES = `ka lo mi ne ra to su vel an or in er th st ch bo da fi gu he jo ly ma ni pe qu
ri sa te ul vo wa xe yo ze ing ent ion ous ight au ro no li gh ts be at les`.split(/\s+/);
const GENRES =
	`Rock|Pop|Jazz|Blues|Hip-Hop|Electronic|Classical|Folk|Country|Reggae|Soul|Funk|Metal|Punk
|Indie|Ambient|Techno|House|R&B|Latin|Bossa Nova|Chanson|Música Popular|Schlager|Disco`
		.split('|')
		.map((g) => g.trim());

/**
 * One INSERT of rows [from, from + count): ~6% by famous artists, the rest by 2400 bands (a few
 * with thousands of tracks at 1M rows), ~10% without album, ~12 tracks per album on average.
 */
const INSERT_SQL = `
	INSERT INTO tracks (owner_id, blob_sha256, title, artist, album, track_no, year, genre,
		duration_ms, container, codec, mime_type, size_bytes, visibility, processing_status, album_id,
		play_count, like_count, created_at)
	SELECT '${OWNER}', repeat('0', 64), s.title, s.artist, s.album, s.track_no, s.year, s.genre,
		s.duration_ms, 'mp3', 'mp3', 'audio/mpeg', 4000000, 'public', 'ready',
		CASE WHEN s.album IS NOT NULL THEN left(encode(sha256(convert_to(chorus_fold(s.artist), 'UTF8')
			|| '\\x00'::bytea || convert_to(chorus_fold(s.album), 'UTF8')), 'hex'), 20) END,
		s.play_count, s.like_count, s.created_at
	FROM (
		SELECT
			initcap(array_to_string(ARRAY(
				SELECT ($3::text[])[1 + floor(power(random(), 1.7) * cardinality($3::text[]))::int]
				FROM generate_series(1, 1 + floor(random() * 3)::int + g * 0)
			), ' ')) AS title,
			CASE WHEN r.fam < 0.06 THEN ($6::text[])[1 + floor(r.fam / 0.06 * cardinality($6::text[]))::int]
				ELSE ($4::text[])[1 + r.band % cardinality($4::text[])] || ' '
					|| ($5::text[])[1 + r.band / cardinality($4::text[])] END AS artist,
			CASE WHEN r.alb < 0.1 THEN NULL ELSE initcap(
				($3::text[])[1 + (r.band * 7 + r.k * 13) % cardinality($3::text[])] || ' ' ||
				($3::text[])[1 + (r.band * 11 + r.k * 17) % cardinality($3::text[])]) END AS album,
			1 + floor(random() * 12)::int AS track_no,
			1960 + floor(random() * 65)::int AS year,
			($7::text[])[1 + floor(power(random(), 1.5) * cardinality($7::text[]))::int] AS genre,
			120000 + floor(random() * 240000)::int AS duration_ms,
			floor(power(random(), 4) * 5000)::int AS play_count,
			floor(power(random(), 5) * 500)::int AS like_count,
			now() - random() * interval '1000 days' AS created_at
		FROM generate_series($1::int, $1::int + $2::int - 1) g,
		LATERAL (SELECT random() AS fam, random() AS alb, floor(random() * $8::int)::int AS k,
			floor(power(random(), 2) * cardinality($4::text[]) * cardinality($5::text[]))::int
				+ g * 0 AS band) r
	) s`;

type Sql = { text: string; values: unknown[] };
type Exec = (sql: Sql) => Promise<pg.QueryResult>;

interface Case {
	name: string;
	/** pg_trgm threshold the app sets (with the other settings) before suggestion statements. */
	threshold?: number;
	/** False: run without the search settings (the app sets them only for search and suggest). */
	settings?: false;
	/** The statements of one request, in one transaction, as the app sends them. */
	steps: (exec: Exec) => Promise<pg.QueryResult>;
}

const searchCase = (q: string, extra: Partial<SearchParams> = {}): Case => {
	const sort = search.effectiveSort(q, extra.sort);
	return {
		name: `search[${q || '-'}${extra.sort ? ` ${extra.sort}` : ''}${extra.genre ? ` genre=${extra.genre}` : ''}]`,
		async steps(exec) {
			const p: SearchParams = { userId: SEARCHER, q, limit: 30, mode: 'auto', ...extra, sort };
			// Exactly searchTracks()'s statements (searchRows: words and prefixes first, typos when
			// they match few tracks).
			let page: pg.QueryResult | undefined;
			await search.searchRows(async <T>(sql: Sql, isPage: boolean) => {
				const result = await exec(sql);
				if (isPage) page = result;
				return result.rows as T[];
			}, p);
			return page!;
		}
	};
};

const suggestCase = (q: string): Case => ({
	name: `suggest[${q}]`,
	threshold: search.trigramThreshold(q),
	steps: (exec) => exec(search.suggestStatement(SEARCHER, q).sql)
});

const SEARCHES: Case[] = [
	// typos
	searchCase('beatels'),
	searchCase('nirvna'),
	searchCase('metalica'),
	searchCase('radiohed'),
	searchCase('midnite city'),
	// accents and case
	searchCase('cafe del mar'),
	searchCase('bjork'),
	searchCase('motorhead'),
	searchCase('corazon'),
	searchCase('NIRVANA'),
	// prefixes, common and multi-word
	searchCase('midn'),
	searchCase('electr'),
	searchCase('golden riv'),
	searchCase('love'),
	searchCase('night'),
	searchCase('black keys'),
	searchCase('a'),
	// other sorts and filters
	searchCase('love', { sort: 'newest' }),
	searchCase('beatels', { sort: 'most_played' }),
	searchCase('', { sort: 'newest' }),
	searchCase('', { sort: 'most_liked', genre: 'rock' }),
	searchCase('night', { genre: 'musica popular' })
];

/**
 * Real typos (a transposition, a doubled letter, two misspelled words) measured on their own:
 * `search.*` keeps the case list of earlier runs, so its figures compare across versions.
 */
const TYPOS: Case[] = [
	searchCase('nigth'),
	searchCase('beatless'),
	searchCase('revoluiton'),
	searchCase('nortern ligth')
];

const SUGGESTS: Case[] = [
	'b',
	'be',
	'bea',
	'beat',
	'beatels',
	'nirv',
	'caf',
	'lo',
	'midnight c',
	'bjo'
].map(suggestCase);

const summary = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
};

/** Index names anywhere in an EXPLAIN (FORMAT JSON) plan. */
function indexesIn(plan: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(plan)) plan.forEach((p) => indexesIn(p, out));
	else if (plan && typeof plan === 'object') {
		for (const [k, v] of Object.entries(plan)) {
			if (k === 'Index Name' && typeof v === 'string') out.add(v);
			else indexesIn(v, out);
		}
	}
	return out;
}

await runBench('search', limitMs, async (cleanup) => {
	machineNote();
	const db = await testDatabase('bench');
	cleanup.add('drop database', () => db.stop());
	await dbmate(db.url, ['up'], true);
	const client = new pg.Client({ connectionString: db.url });
	await client.connect();
	cleanup.add('close connection', () => client.end());
	const { rows: versionRows } = await client.query<{ v: string }>('SELECT version() AS v');
	note(`${versionRows[0]!.v.split(' on ')[0]}, ${args.rows} public tracks`);

	// ---- data ---------------------------------------------------------------------------------
	await client.query(
		`INSERT INTO users (id, email, display_name, password_hash)
		 VALUES ($1, 'bench@bench.invalid', 'Bench', 'x'), ($2, 'searcher@bench.invalid', 'Searcher', 'x')`,
		[OWNER, SEARCHER]
	);
	await client.query(
		`INSERT INTO blobs (sha256, size_bytes, mime_type) VALUES (repeat('0', 64), 4000000, 'audio/mpeg')`
	);
	// Building the indexes once after the load is several times faster than updating them per row;
	// they are recreated from their own definitions (pg_get_indexdef), i.e. exactly the migration's.
	const { rows: indexes } = await client.query<{ name: string; def: string }>(
		`SELECT indexname AS name, indexdef AS def FROM pg_indexes
		 WHERE schemaname = 'public' AND tablename = 'tracks' AND indexname <> 'tracks_pkey'`
	);
	for (const ix of indexes) await client.query(`DROP INDEX "${ix.name}"`);
	let t0 = performance.now();
	await client.query('SELECT setseed(0.42)');
	for (let from = 0; from < args.rows; from += args.chunk) {
		await client.query(INSERT_SQL, [
			from,
			Math.min(args.chunk, args.rows - from),
			WORDS,
			ADJECTIVES,
			NOUNS,
			FAMOUS,
			GENRES,
			Math.max(1, Math.round(args.rows / (ADJECTIVES.length * NOUNS.length * 12)))
		]);
	}
	line('setup.insert', (performance.now() - t0) / 1000, 's', 1);
	t0 = performance.now();
	await client.query(`SET maintenance_work_mem = '256MB'`);
	for (const ix of indexes) await client.query(ix.def);
	line('setup.indexes', (performance.now() - t0) / 1000, 's', 1);
	if (args.vocabulary > 0) {
		// The synthetic titles use ~400 words, a real library of this size many more: typo
		// shortlists (chorus_typo_candidates) then compare a query word with more of them. Made-up
		// words of 2 to 6 syllables, public, in no track (their typos match no extra track).
		t0 = performance.now();
		await client.query(
			`INSERT INTO search_words (word, scope, track_count)
			 SELECT DISTINCT w, '00000000-0000-0000-0000-000000000000'::uuid, 1 FROM (
				SELECT (SELECT string_agg(($2::text[])[1 + floor(random() * cardinality($2::text[]))::int], '')
					FROM generate_series(1, 2 + g % 4 + floor(random() * 2)::int)) AS w
				FROM generate_series(1, $1::int) g
			 ) x
			 ON CONFLICT DO NOTHING`,
			[Math.round(args.vocabulary * 1.25), SYLLABLES]
		);
		line('setup.vocabulary', (performance.now() - t0) / 1000, 's', 1);
	}
	await client.query('VACUUM ANALYZE tracks, search_words');
	const { rows: size } = await client.query<{ n: string; bytes: string }>(
		`SELECT count(*) AS n, pg_total_relation_size('tracks') AS bytes FROM tracks`
	);
	line('rows', Number(size[0]!.n), '', 0);
	line('table_with_indexes', Number(size[0]!.bytes) / 1e6, 'MB', 0);
	const { rows: words } = await client.query<{ n: string }>(
		'SELECT count(*) AS n FROM search_words'
	);
	line('search_words', Number(words[0]!.n), 'rows', 0);

	// ---- plans --------------------------------------------------------------------------------
	const run = async (c: Case, explain = false) => {
		await client.query('BEGIN');
		try {
			if (c.settings !== false) {
				const settings = search.searchSettings(c.threshold);
				await client.query(settings.text, settings.values);
			}
			const plans: unknown[] = [];
			const t = performance.now();
			const result = await c.steps(async (s) => {
				if (explain)
					plans.push((await client.query(`EXPLAIN (FORMAT JSON) ${s.text}`, s.values)).rows);
				return client.query(s.text, s.values);
			});
			return { ms: performance.now() - t, rows: result.rowCount ?? 0, plans };
		} finally {
			await client.query('COMMIT');
		}
	};
	const planCases = [
		searchCase('beatels'),
		searchCase('love'),
		searchCase('love', { sort: 'newest' }),
		searchCase('', { sort: 'most_liked', genre: 'rock' }),
		suggestCase('beat')
	];
	for (const c of planCases) {
		const { plans } = await run(c, true);
		const used = indexesIn(plans);
		line(`plan.${c.name}`, [...used].sort().join(' ') || 'no index (sequential scan)');
	}

	// ---- latency ------------------------------------------------------------------------------
	const { rows: sample } = await client.query<{ id: string }>(
		'SELECT id FROM tracks TABLESAMPLE SYSTEM (1) LIMIT 1000'
	);
	const baseline: Case = {
		name: 'baseline',
		settings: false,
		steps: (exec) =>
			exec({
				text: 'SELECT * FROM tracks WHERE id = $1',
				values: [sample[Math.floor(Math.random() * sample.length)]!.id]
			})
	};
	const genres: Case = {
		name: 'genres',
		settings: false,
		steps: (exec) => exec(browse.genresStatement(SEARCHER))
	};

	/** Runs every case `iterations` times, interleaved so a slow moment spreads over all. */
	async function measure(cases: Case[], iterations: number) {
		const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
		const rows = new Map<string, number>();
		for (const c of cases) {
			for (let i = 0; i < 2; i++) rows.set(c.name, (await run(c)).rows); // warm-up
		}
		for (let i = 0; i < iterations; i++) {
			for (const c of cases) times.get(c.name)!.push((await run(c)).ms);
		}
		return { times, rows, all: (list: Case[]) => summary(list.flatMap((c) => times.get(c.name)!)) };
	}

	const main = await measure([...SEARCHES, ...TYPOS, ...SUGGESTS, baseline], args.iterations);
	const genreRuns = await measure([genres], Math.max(3, Math.round(args.iterations / 8)));
	for (const c of [...SEARCHES, ...TYPOS, ...SUGGESTS]) {
		const s = summary(main.times.get(c.name)!);
		line(`${c.name}.p50`, s.p50, 'ms');
		line(
			`${c.name}.p95`,
			s.p95,
			`ms${c.name.startsWith('search') ? ` (${main.rows.get(c.name)} rows)` : ''}`
		);
	}
	const results = {
		search: main.all(SEARCHES),
		typos: main.all(TYPOS),
		suggest: main.all(SUGGESTS),
		baseline: main.all([baseline]),
		genres: genreRuns.all([genres])
	};
	for (const [name, s] of Object.entries(results)) {
		line(`${name}.p50`, s.p50, 'ms', 3);
		line(`${name}.p95`, s.p95, 'ms', 3);
		line(`${name}.p99`, s.p99, 'ms', 3);
	}
	for (const name of ['search', 'suggest'] as const) {
		line(`ratio.${name}_p50_vs_baseline`, results[name].p50 / results.baseline.p50, 'x', 1);
		line(`ratio.${name}_p95_vs_baseline`, results[name].p95 / results.baseline.p95, 'x', 1);
	}
	const target = args.rows >= 1_000_000 ? 80 : args.rows >= 100_000 ? 30 : null;
	const label = args.rows >= 1_000_000 ? '1M' : '100k';
	if (target !== null) {
		for (const name of ['search', 'suggest'] as const) {
			verdict(
				`${name} p95 < ${target} ms at ${label}`,
				results[name].p95 < target,
				`${results[name].p95.toFixed(1)} ms`
			);
		}
	}

	// ---- experiment: covering indexes (not in the migrations) ---------------------------------
	// Counting an artist's visible tracks (suggestions) and genres (a scan of every visible row)
	// read the table; with the visibility columns in an index both become index-only scans.
	if (args['try-indexes'] === 'yes') {
		t0 = performance.now();
		await client.query(
			`CREATE INDEX bench_artist_cover_idx ON tracks (chorus_fold(artist))
			 INCLUDE (artist, visibility, owner_id)`
		);
		await client.query(
			`CREATE INDEX bench_genre_cover_idx ON tracks (genre) INCLUDE (visibility, owner_id)`
		);
		await client.query('VACUUM ANALYZE tracks');
		line('try.setup', (performance.now() - t0) / 1000, 's', 1);
		const tried = await measure([...SUGGESTS, genres, baseline], args.iterations);
		const plans = new Set<string>();
		for (const c of [suggestCase('b'), genres]) indexesIn((await run(c, true)).plans, plans);
		line(
			'try.plan',
			[...plans]
				.filter((i) => i.startsWith('bench_'))
				.sort()
				.join(' ') || 'unused'
		);
		for (const name of ['suggest', 'genres', 'baseline'] as const) {
			const list = name === 'suggest' ? SUGGESTS : name === 'genres' ? [genres] : [baseline];
			const s = tried.all(list);
			line(`try.${name}.p50`, s.p50, 'ms', 3);
			line(`try.${name}.p95`, s.p95, 'ms', 3);
		}
	}
});
