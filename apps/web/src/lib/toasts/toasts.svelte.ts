/**
 * App-wide transient messages (a failed vote, like or play): one queue the layout's Toaster
 * shows. Only the browser pushes to it (from event handlers), so the module-level state is never
 * shared between server requests.
 */
export type ToastKind = 'error' | 'info';
export interface Toast {
	id: number;
	kind: ToastKind;
	message: string;
}

/** How long a toast stays up; long enough to read two lines, short enough not to pile up. */
export const TOAST_LIFETIME_MS = 6_000;
/** At most this many at once; older ones make room. */
export const MAX_TOASTS = 4;

class Toasts {
	items = $state<Toast[]>([]);
	#seq = 0;

	show(message: string, kind: ToastKind = 'error'): number {
		const id = ++this.#seq;
		// The same message twice in a row (a button pressed again while offline) shows once.
		const rest = this.items.filter((t) => t.message !== message);
		this.items = [...rest, { id, kind, message }].slice(-MAX_TOASTS);
		setTimeout(() => this.dismiss(id), TOAST_LIFETIME_MS);
		return id;
	}

	error(message: string) {
		return this.show(message, 'error');
	}

	info(message: string) {
		return this.show(message, 'info');
	}

	dismiss(id: number) {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new Toasts();
