import { describe, expect, it } from 'vitest';
import {
	matchCost,
	matchWord,
	osaDistance,
	planTypos,
	PREFIX_COST,
	prefixOsaDistance,
	tsqueryTerm,
	typoBudget,
	typoCost,
	type QueryWord,
	type TypoPlan
} from './typos.ts';

describe('typoBudget', () => {
	it.each([
		['tow', 0],
		['aura', 0],
		['sevem', 1],
		['auorra', 1],
		['midnight', 1],
		['norrthern', 2],
		['revolution', 2],
		// Characters, not bytes or UTF-16 units.
		['café', 0],
		['cœurs', 1],
		['𝄞𝄞𝄞𝄞', 0]
	])('%s -> %d', (word, budget) => {
		expect(typoBudget(word)).toBe(budget);
	});
});

describe('osaDistance', () => {
	it.each([
		['aurora', 'aurora', 0],
		// A transposition is one typo (Levenshtein counts two).
		['auorra', 'aurora', 1],
		['beatels', 'beatles', 1],
		['ligths', 'lights', 1],
		// Doubled, missing and wrong letters.
		['auroraa', 'aurora', 1],
		['norrthern', 'northern', 1],
		['nortern', 'northern', 1],
		['sevem', 'seven', 1],
		['kitten', 'sitting', 3],
		['', 'abc', 3],
		// Optimal string alignment edits no substring twice: "ca" -> "abc" is 3, not 2.
		['ca', 'abc', 3],
		['ñandú', 'nandu', 2]
	])('%s / %s -> %d', (a, b, d) => {
		expect(osaDistance(a, b)).toBe(d);
		expect(osaDistance(b, a)).toBe(d);
	});

	it('stops at max + 1', () => {
		expect(osaDistance('aurora', 'borealis', 2)).toBe(3);
		expect(osaDistance('a', 'abcdefgh', 1)).toBe(2);
		expect(osaDistance('auorra', 'aurora', 1)).toBe(1);
	});
});

describe('prefixOsaDistance', () => {
	it.each([
		['nort', 'northern', 0],
		['nrot', 'northern', 1],
		['northenr', 'northernmost', 1],
		['borelais', 'borealis', 1],
		['ligthn', 'lightning', 1],
		['xyz', 'northern', 3]
	])('%s / %s -> %d', (q, w, d) => {
		expect(prefixOsaDistance(q, w)).toBe(d);
	});
});

describe('matchWord', () => {
	it('matches the word itself, then its beginning from 3 characters', () => {
		expect(matchWord('aurora', 'aurora', false)).toEqual({ typos: 0, prefix: false });
		expect(matchWord('aur', 'aurora', false)).toEqual({ typos: 0, prefix: true });
		expect(matchWord('au', 'aurora', true)).toBeNull();
	});

	it('tolerates no typo below 5 characters, one from 5, two from 9', () => {
		expect(matchWord('tow', 'two', true)).toBeNull();
		expect(matchWord('aurr', 'aura', false)).toBeNull();
		expect(matchWord('auorra', 'aurora', false)).toEqual({ typos: 1, prefix: false });
		expect(matchWord('auorar', 'aurora', false)).toBeNull();
		expect(matchWord('revoluiton', 'revolution', false)).toEqual({ typos: 1, prefix: false });
		expect(matchWord('revluiton', 'revolution', false)).toEqual({ typos: 2, prefix: false });
		expect(matchWord('rvluiton', 'revolution', false)).toBeNull();
	});

	it('matches a beginning with typos only in the word being typed', () => {
		expect(matchWord('ligthn', 'lightning', true)).toEqual({ typos: 1, prefix: true });
		expect(matchWord('ligthn', 'lightning', false)).toBeNull();
	});

	it('prefers a whole word to a prefix with as many typos, and fewer typos to both', () => {
		// "auroraa" is one typo from "aurora" as a whole word and as a prefix of "auroras".
		expect(matchWord('auroraa', 'aurora', true)).toEqual({ typos: 1, prefix: false });
		// "northenr" is one typo from the start of "northernmost", too short for the whole word.
		expect(matchWord('northenr', 'northernmost', true)).toEqual({ typos: 1, prefix: true });
	});
});

describe('ranking costs', () => {
	it('orders exact < prefix < one typo < one typo as a prefix < two typos', () => {
		const costs = [
			{ typos: 0, prefix: false },
			{ typos: 0, prefix: true },
			{ typos: 1, prefix: false },
			{ typos: 1, prefix: true },
			{ typos: 2, prefix: false },
			{ typos: 2, prefix: true }
		].map((m) => matchCost(m, 3));
		expect(costs).toEqual([...costs].sort((a, b) => a - b));
		expect(new Set(costs).size).toBe(costs.length);
	});

	it('makes one typo cost more than every word of the query matched as a prefix', () => {
		for (const n of [1, 2, 5, 40]) expect(typoCost(n)).toBeGreaterThan(n * PREFIX_COST);
		// And a prefix more than the rest of the relevance (at most 5).
		expect(PREFIX_COST).toBeGreaterThan(5);
	});
});

describe('tsqueryTerm', () => {
	it('quotes lexemes and escapes quotes and backslashes', () => {
		expect(tsqueryTerm('aurora')).toBe("'aurora'");
		expect(tsqueryTerm('aur', true)).toBe("'aur':*");
		expect(tsqueryTerm("it's")).toBe("'it\\'s'");
		expect(tsqueryTerm('a\\b')).toBe("'a\\\\b'");
	});
});

/**
 * What the page query's ranking does with a plan (search.ts: a CASE per query word over its
 * levels, summed): the cost of a track with these words, or null when it does not match.
 */
function trackCost(plan: TypoPlan, words: string[]): number | null {
	let total = 0;
	for (const w of plan.words) {
		const level = w.levels.find((l) =>
			l.terms.some((t) => words.some((x) => (t.prefix ? x.startsWith(t.lexeme) : x === t.lexeme)))
		);
		if (!level) return null;
		total += level.cost;
	}
	return total;
}

const rank = (plan: TypoPlan, titles: string[]) =>
	titles
		.map((title) => ({ title, cost: trackCost(plan, title.toLowerCase().split(' ')) }))
		.filter((t) => t.cost !== null)
		.sort((a, b) => a.cost! - b.cost!)
		.map((t) => t.title);

describe('planTypos', () => {
	const words: QueryWord[] = [
		{ word: 'nortern', last: false, candidates: ['northern', 'nocturne', 'nort', 'northern'] },
		{ word: 'ligths', last: true, candidates: ['lights', 'lightship', 'light', 'ligthsabers'] }
	];

	it('keeps the candidates within the budget, by cost', () => {
		const plan = planTypos(words);
		expect(plan.fuzzy).toBe(true);
		const t = typoCost(2);
		expect(plan.words.map((w) => w.levels.map((l) => [l.cost, l.query]))).toEqual([
			[
				[0, "'nortern'"],
				[PREFIX_COST, "'nortern':*"],
				[t, "'northern'"]
			],
			[
				[0, "'ligths'"],
				// "ligthsabers" starts with the word: the prefix term finds it already.
				[PREFIX_COST, "'ligths':*"],
				[t, "'lights'"],
				[t + PREFIX_COST, "'lightship'"]
			]
		]);
		expect(plan.anyQuery).toBe(
			"( 'nortern' | 'nortern':* | 'northern' ) & " +
				"( 'ligths' | 'ligths':* | 'lights' | 'lightship' )"
		);
	});

	it('ranks exact > prefix > fewer typos, whole words before prefixes', () => {
		const plan = planTypos(words);
		expect(
			rank(plan, [
				'Northern Lightship',
				'Northern Lights',
				'Nortern Ligthsabers',
				'Nortern Ligths',
				'Northern Light',
				'Southern Lights'
			])
		).toEqual(['Nortern Ligths', 'Nortern Ligthsabers', 'Northern Lights', 'Northern Lightship']);

		const aurora = planTypos([
			{ word: 'auorra', last: true, candidates: ['aurora', 'auroras', 'aura', 'horror'] }
		]);
		expect(rank(aurora, ['Auroras', 'Aura', 'Aurora', 'Horror'])).toEqual(['Aurora', 'Auroras']);
	});

	it('adds no typos for short words', () => {
		const plan = planTypos([
			{ word: 'to', last: false, candidates: ['tow', 'two'] },
			{ word: 'ride', last: true, candidates: ['rides', 'bride'] }
		]);
		expect(plan.fuzzy).toBe(false);
		expect(plan.anyQuery).toBe("( 'to' ) & ( 'ride' | 'ride':* )");
		expect(plan.unmatchedCost).toBeGreaterThan(matchCost({ typos: 2, prefix: true }, 2));
	});

	it('leaves out the terms of words the library does not have', () => {
		const plan = planTypos([
			{ word: 'beatels', last: true, candidates: ['beatles'], known: false, started: false }
		]);
		expect(plan.anyQuery).toBe("( 'beatles' )");
		expect(plan.fuzzy).toBe(true);
		// A word that matches in no way: there is nothing to find.
		const none = planTypos([
			{ word: 'beatles', last: false, candidates: [] },
			{ word: 'xqzzv', last: true, candidates: ['xqzzvv'], known: false, started: false }
		]);
		expect(none.words[1]!.levels).toEqual([]);
		expect(none.fuzzy).toBe(false);
	});

	it('matches the beginning of a short word being typed only with typo tolerance', () => {
		const plan = planTypos([
			{ word: 'ticket', last: false, candidates: [] },
			{ word: 'ri', last: true, candidates: [] }
		]);
		expect(plan.fuzzy).toBe(true);
		expect(plan.words[1]!.levels.map((l) => [l.cost, l.query])).toEqual([
			[0, "'ri'"],
			[PREFIX_COST, "'ri':*"]
		]);
	});
});
