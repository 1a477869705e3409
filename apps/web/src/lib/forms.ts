import type { SubmitFunction } from '@sveltejs/kit';

/**
 * `use:enhance` callback: reports pending while the form submits, and keeps what the person
 * typed when the action fails (SvelteKit resets forms by default).
 */
export function withPending(setPending: (pending: boolean) => void): SubmitFunction {
	return () => {
		setPending(true);
		return async ({ update }) => {
			await update({ reset: false });
			setPending(false);
		};
	};
}
