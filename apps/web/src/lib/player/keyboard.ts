// Global playback shortcuts. The decision (shortcutFor) is pure so it can be tested without a DOM.

export type Shortcut =
	| { action: 'toggle' }
	| { action: 'seekBy'; ms: number }
	| { action: 'previous' }
	| { action: 'next' }
	| { action: 'volumeBy'; delta: number }
	| { action: 'toggleMute' };

export const SEEK_STEP_MS = 5000;
export const VOLUME_STEP = 0.05;

/** The parts of a KeyboardEvent the decision needs. */
export interface KeyLike {
	key: string;
	shiftKey: boolean;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
	repeat?: boolean;
	defaultPrevented?: boolean;
	isComposing?: boolean;
	target: unknown;
}

interface ElementLike {
	tagName?: string;
	isContentEditable?: boolean;
	getAttribute?: (name: string) => string | null;
	closest?: (selector: string) => unknown;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
// Space activates these natively; toggling playback as well would do two things at once.
const ACTIVATABLE_TAGS = new Set(['BUTTON', 'A', 'SUMMARY']);
const ACTIVATABLE_ROLES = new Set([
	'button',
	'link',
	'checkbox',
	'switch',
	'tab',
	'menuitem',
	'option',
	'radio'
]);

/** True while the user types: inputs, textareas, selects and editable content. */
export function isTypingTarget(target: unknown): boolean {
	const el = target as ElementLike | null;
	if (!el || typeof el !== 'object') return false;
	if (el.tagName && TYPING_TAGS.has(el.tagName.toUpperCase())) return true;
	if (el.isContentEditable) return true;
	const role = el.getAttribute?.('role');
	return role === 'textbox' || role === 'searchbox' || role === 'combobox';
}

function isActivatable(target: unknown): boolean {
	const el = target as ElementLike | null;
	if (!el || typeof el !== 'object') return false;
	if (el.tagName && ACTIVATABLE_TAGS.has(el.tagName.toUpperCase())) return true;
	const role = el.getAttribute?.('role');
	return !!role && ACTIVATABLE_ROLES.has(role);
}

export function shortcutFor(e: KeyLike): Shortcut | null {
	if (e.defaultPrevented || e.isComposing) return null;
	if (e.ctrlKey || e.metaKey || e.altKey) return null;
	if (isTypingTarget(e.target)) return null;
	switch (e.key) {
		case ' ':
		case 'Spacebar':
			if (e.shiftKey || isActivatable(e.target)) return null;
			return { action: 'toggle' };
		case 'ArrowLeft':
			return e.shiftKey ? { action: 'previous' } : { action: 'seekBy', ms: -SEEK_STEP_MS };
		case 'ArrowRight':
			return e.shiftKey ? { action: 'next' } : { action: 'seekBy', ms: SEEK_STEP_MS };
		case 'ArrowUp':
			return e.shiftKey ? null : { action: 'volumeBy', delta: VOLUME_STEP };
		case 'ArrowDown':
			return e.shiftKey ? null : { action: 'volumeBy', delta: -VOLUME_STEP };
		case 'm':
		case 'M':
			return e.repeat ? null : { action: 'toggleMute' };
		default:
			return null;
	}
}

export interface KeyboardTarget {
	readonly current: unknown;
	readonly positionMs: number;
	readonly volume: number;
	toggle(): void;
	seek(ms: number): void;
	previous(): void;
	next(): void;
	setVolume(v: number): void;
	toggleMute(): void;
}

/** Listens on window; returns the function that stops listening. */
export function installKeyboard(player: KeyboardTarget): () => void {
	const onKeydown = (e: KeyboardEvent) => {
		const s = shortcutFor(e);
		// Without a track the arrows keep scrolling the page.
		if (!s || !player.current) return;
		if (s.action === 'toggle' && e.repeat) {
			e.preventDefault();
			return;
		}
		e.preventDefault();
		switch (s.action) {
			case 'toggle':
				return player.toggle();
			case 'seekBy':
				return player.seek(Math.max(0, player.positionMs + s.ms));
			case 'previous':
				return player.previous();
			case 'next':
				return player.next();
			case 'volumeBy':
				return player.setVolume(player.volume + s.delta);
			case 'toggleMute':
				return player.toggleMute();
		}
	};
	window.addEventListener('keydown', onKeydown);
	return () => window.removeEventListener('keydown', onKeydown);
}
