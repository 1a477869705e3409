// Russian titles are searched in either script: people type «Кино» as "kino" on a Latin keyboard
// and "Kino" (as the band is spelled abroad) as «Кино». The query is also searched in its
// transliteration (GOST-like Russian preset of cyrillic-to-translit-js, both directions).
import CyrillicToTranslit from 'cyrillic-to-translit-js';

const ru = CyrillicToTranslit({ preset: 'ru' });
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/** The query in the other script, or null when it has no letters to carry over. */
export function otherScript(q: string): string | null {
	const alt = CYRILLIC.test(q) ? ru.transform(q) : LATIN.test(q) ? ru.reverse(q) : null;
	return alt && alt.toLowerCase() !== q.toLowerCase() ? alt : null;
}
