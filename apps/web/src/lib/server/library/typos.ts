// Typo tolerance for library search, as people know it from Meilisearch and Typesense: a query
// word of 5 or more characters may carry one typo, of 9 or more two; a typo is a character
// inserted, deleted, replaced, or two neighbours swapped (optimal string alignment distance, so
// "auorra" is one typo from "aurora", where plain Levenshtein counts two). The last query word
// is being typed, so it also matches the beginning of longer words, with the same budget (and
// however short it is).
//
// Pure logic only: search.ts asks PostgreSQL for a shortlist of library words per query word
// (chorus_typo_candidates, by trigrams), and this module decides which of them really match, how
// much each match costs in the ranking, and writes the tsquery terms that find them.

export const ONE_TYPO_MIN_CHARS = 5;
export const TWO_TYPOS_MIN_CHARS = 9;
/** Words of 3+ characters also match as prefixes; shorter ones would match much of a library. */
export const PREFIX_MIN_CHARS = 3;

/**
 * Ranking costs: a word matched through a prefix costs PREFIX_COST, more than all the rest of a
 * track's relevance (at most 5: title equality, two ts_rank terms and a typo ts_rank); a typo
 * costs more than every word of the query matched through a prefix. So tracks rank by typos,
 * then by prefixes, then by relevance: exact > prefix > fewer typos.
 */
export const PREFIX_COST = 10;
export const typoCost = (queryWords: number) => PREFIX_COST * (queryWords + 1);

/** Code points: "café" is 4 characters, as PostgreSQL's char_length counts. */
const chars = (s: string) => Array.from(s);

export function typoBudget(word: string): number {
	const n = chars(word).length;
	return n >= TWO_TYPOS_MIN_CHARS ? 2 : n >= ONE_TYPO_MIN_CHARS ? 1 : 0;
}

/**
 * Optimal string alignment distance of a and b (prefix: of a and the closest prefix of b), or
 * max + 1 as soon as it is known to exceed max.
 */
function osa(a: string[], b: string[], max: number, prefix: boolean): number {
	if (!prefix && Math.abs(a.length - b.length) > max) return max + 1;
	let before: number[] = [];
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		let rowMin = i;
		for (let j = 1; j <= b.length; j++) {
			let d = Math.min(
				prev[j]! + 1,
				row[j - 1]! + 1,
				prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
			);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				d = Math.min(d, before[j - 2]! + 1);
			}
			row.push(d);
			rowMin = Math.min(rowMin, d);
		}
		// Every later row is at least this row's minimum.
		if (rowMin > max) return max + 1;
		before = prev;
		prev = row;
	}
	return Math.min(prefix ? Math.min(...prev) : prev[b.length]!, max + 1);
}

/** Typos between two words (insertions, deletions, substitutions, adjacent swaps). */
export const osaDistance = (a: string, b: string, max = Infinity) =>
	osa(chars(a), chars(b), max, false);

/** Typos between `query` and the prefix of `word` closest to it. */
export const prefixOsaDistance = (query: string, word: string, max = Infinity) =>
	osa(chars(query), chars(word), max, true);

export interface WordMatch {
	typos: number;
	/** Matched the beginning of a longer word. */
	prefix: boolean;
}

/** Whether a matches at least as well as b: fewer typos first, then whole words over prefixes. */
export const betterOrEqual = (a: WordMatch, b: WordMatch) =>
	a.typos < b.typos || (a.typos === b.typos && (!a.prefix || b.prefix));

/**
 * How the library word `word` matches the query word `query` (`last`: the word being typed, which
 * may match a prefix with typos), or null when it does not.
 */
export function matchWord(query: string, word: string, last: boolean): WordMatch | null {
	if (word === query) return { typos: 0, prefix: false };
	const q = chars(query);
	const canPrefix = q.length >= PREFIX_MIN_CHARS;
	if (canPrefix && word.startsWith(query)) return { typos: 0, prefix: true };
	const budget = typoBudget(query);
	if (budget === 0) return null;
	const w = chars(word);
	const whole: WordMatch = { typos: osa(q, w, budget, false), prefix: false };
	const start: WordMatch | null =
		last && canPrefix ? { typos: osa(q, w, budget, true), prefix: true } : null;
	const best = start && !betterOrEqual(whole, start) ? start : whole;
	return best.typos <= budget ? best : null;
}

/** A match's ranking cost within a query of `queryWords` words (see PREFIX_COST). */
export const matchCost = (m: WordMatch, queryWords: number) =>
	m.typos * typoCost(queryWords) + (m.prefix ? PREFIX_COST : 0);

/** One lexeme (or lexeme prefix) as a tsquery operand; quotes and backslashes escaped. */
export function tsqueryTerm(lexeme: string, prefix = false): string {
	return `'${lexeme.replace(/[\\']/g, (c) => `\\${c}`)}'${prefix ? ':*' : ''}`;
}

/** A query word, as the database split it, with its shortlist of library words. */
export interface QueryWord {
	word: string;
	/** The last word of the query: it may be unfinished. */
	last: boolean;
	candidates: string[];
	/**
	 * Whether the library has the word itself, and longer words starting with it (unknown:
	 * true). Terms that match nothing are left out: they cost index lookups, and their guessed
	 * selectivity can make the planner walk a sort key's index instead.
	 */
	known?: boolean;
	started?: boolean;
}

export interface CostLevel {
	cost: number;
	/** Library words (or, with prefix, beginnings of words) matching at this cost. */
	terms: { lexeme: string; prefix: boolean }[];
	/** The same terms, OR-ed: a tsquery text. */
	query: string;
}

export interface TypoPlan {
	/** Per query word, its ways of matching from the cheapest (the word itself) up. */
	words: { word: string; levels: CostLevel[] }[];
	/**
	 * Whether typo tolerance can add matches: typos of some word, or the beginning of a last word
	 * too short to be matched as a prefix otherwise (and every word matches in some way).
	 */
	fuzzy: boolean;
	/** Every word, each in any of its ways: finds word, prefix and typo matches (tsquery text). */
	anyQuery: string;
	/** The cost of a word a track does not match (never happens to the tracks ranked). */
	unmatchedCost: number;
}

/** Which library words match each query word, and at what cost. */
export function planTypos(words: QueryWord[]): TypoPlan {
	const n = words.length;
	let fuzzy = false;
	const planned = words.map(({ word, last, candidates, known = true, started = true }) => {
		const byCost = new Map<number, CostLevel['terms']>();
		const add = (cost: number, lexeme: string, prefix: boolean) =>
			byCost.set(cost, [...(byCost.get(cost) ?? []), { lexeme, prefix }]);
		if (known) add(0, word, false);
		if (started && chars(word).length >= PREFIX_MIN_CHARS) add(PREFIX_COST, word, true);
		else if (started && last) {
			// A short word being typed matches a large part of any library as a prefix: only
			// when its words match few tracks, like typos (the page query's word pass leaves it out).
			add(PREFIX_COST, word, true);
			fuzzy = true;
		}
		for (const candidate of new Set(candidates)) {
			const m = matchWord(word, candidate, last);
			// Exact and plain prefix matches are the two terms above already.
			if (!m || m.typos === 0) continue;
			// The whole library word: it is in the index as it is, even when it matched as a prefix.
			add(matchCost(m, n), candidate, false);
			fuzzy = true;
		}
		const levels = [...byCost]
			.sort(([a], [b]) => a - b)
			.map(([cost, terms]) => ({
				cost,
				terms,
				query: terms.map((t) => tsqueryTerm(t.lexeme, t.prefix)).join(' | ')
			}));
		return { word, levels };
	});
	return {
		words: planned,
		// A word that matches in no way leaves nothing to find.
		fuzzy: fuzzy && planned.every((w) => w.levels.length > 0),
		anyQuery: planned.map((w) => `( ${w.levels.map((l) => l.query).join(' | ')} )`).join(' & '),
		unmatchedCost: matchCost({ typos: 3, prefix: false }, n)
	};
}
