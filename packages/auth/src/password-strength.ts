import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/**
 * zxcvbn's "safely unguessable" (>= 10^8 guesses): refuses the breached/common-password lists it
 * ships (passwords, names, words, keyboard walks, dates, l33t, repeats) and their near variants,
 * without composition rules (NIST SP 800-63B). Offline: nothing leaves the server.
 */
export const MIN_PASSWORD_SCORE = 3;
/** zxcvbn is super-linear in the length; past this a password is judged by its start. */
const ESTIMATE_MAX_CHARS = 64;

let factory: ZxcvbnFactory | undefined;
// Built on first use: the dictionaries take a few hundred ms to load.
const estimator = () =>
	(factory ??= new ZxcvbnFactory({
		dictionary: { ...common.dictionary, ...en.dictionary },
		graphs: common.adjacencyGraphs,
		translations: en.translations
	}));

export interface PasswordVerdict {
	ok: boolean;
	score: number;
	/** Why it is weak ("This is a frequently used password."), when zxcvbn can say. */
	warning: string | null;
	suggestions: string[];
}

/**
 * How guessable a new password is. `userInputs` are the account's own words (email, display
 * name): a password built from them is as weak as a common one.
 */
export function passwordStrength(
	password: string,
	userInputs: (string | null | undefined)[] = []
): PasswordVerdict {
	const words = userInputs
		.flatMap((v) => (v ? [v, ...v.toLowerCase().split(/[^\p{L}\p{N}]+/u)] : []))
		.filter((w) => w.length >= 3);
	const result = estimator().check(password.slice(0, ESTIMATE_MAX_CHARS), [...new Set(words)]);
	return {
		ok: result.score >= MIN_PASSWORD_SCORE,
		score: result.score,
		warning: result.feedback.warning || null,
		suggestions: result.feedback.suggestions
	};
}
