import { describe, expect, it } from 'vitest';
import {
	SEEK_STEP_MS,
	VOLUME_STEP,
	isTypingTarget,
	shortcutFor,
	type KeyLike
} from './keyboard.ts';

const el = (tagName: string, attrs: Record<string, string> = {}, isContentEditable = false) => ({
	tagName,
	isContentEditable,
	getAttribute: (name: string) => attrs[name] ?? null
});

function key(k: string, opts: Partial<KeyLike> = {}): KeyLike {
	return {
		key: k,
		shiftKey: false,
		ctrlKey: false,
		metaKey: false,
		altKey: false,
		target: el('BODY'),
		...opts
	};
}

describe('shortcutFor', () => {
	it('maps the documented keys', () => {
		expect(shortcutFor(key(' '))).toEqual({ action: 'toggle' });
		expect(shortcutFor(key('ArrowLeft'))).toEqual({ action: 'seekBy', ms: -SEEK_STEP_MS });
		expect(shortcutFor(key('ArrowRight'))).toEqual({ action: 'seekBy', ms: SEEK_STEP_MS });
		expect(shortcutFor(key('ArrowLeft', { shiftKey: true }))).toEqual({ action: 'previous' });
		expect(shortcutFor(key('ArrowRight', { shiftKey: true }))).toEqual({ action: 'next' });
		expect(shortcutFor(key('ArrowUp'))).toEqual({ action: 'volumeBy', delta: VOLUME_STEP });
		expect(shortcutFor(key('ArrowDown'))).toEqual({ action: 'volumeBy', delta: -VOLUME_STEP });
		expect(shortcutFor(key('m'))).toEqual({ action: 'toggleMute' });
		expect(shortcutFor(key('M'))).toEqual({ action: 'toggleMute' });
		expect(SEEK_STEP_MS).toBe(5000);
	});
	it('ignores other keys', () => {
		expect(shortcutFor(key('a'))).toBeNull();
		expect(shortcutFor(key('Enter'))).toBeNull();
	});
	it('never fires with Ctrl, Meta or Alt', () => {
		for (const mod of ['ctrlKey', 'metaKey', 'altKey'] as const) {
			expect(shortcutFor(key(' ', { [mod]: true }))).toBeNull();
			expect(shortcutFor(key('ArrowRight', { [mod]: true }))).toBeNull();
			expect(shortcutFor(key('m', { [mod]: true }))).toBeNull();
		}
	});
	it('never fires while typing', () => {
		for (const target of [
			el('INPUT'),
			el('input'),
			el('TEXTAREA'),
			el('SELECT'),
			el('DIV', {}, true),
			el('DIV', { role: 'textbox' }),
			el('DIV', { role: 'combobox' })
		]) {
			expect(isTypingTarget(target)).toBe(true);
			expect(shortcutFor(key(' ', { target }))).toBeNull();
			expect(shortcutFor(key('m', { target }))).toBeNull();
			expect(shortcutFor(key('ArrowLeft', { target }))).toBeNull();
		}
	});
	it('leaves Space to focused buttons and links, which it activates', () => {
		expect(shortcutFor(key(' ', { target: el('BUTTON') }))).toBeNull();
		expect(shortcutFor(key(' ', { target: el('A') }))).toBeNull();
		expect(shortcutFor(key(' ', { target: el('DIV', { role: 'button' }) }))).toBeNull();
		// A focused seek bar does nothing with Space itself.
		expect(shortcutFor(key(' ', { target: el('DIV', { role: 'slider' }) }))).toEqual({
			action: 'toggle'
		});
		// Arrows still work there.
		expect(shortcutFor(key('ArrowRight', { target: el('BUTTON') }))).toEqual({
			action: 'seekBy',
			ms: SEEK_STEP_MS
		});
	});
	it('ignores events already handled and IME composition', () => {
		expect(shortcutFor(key(' ', { defaultPrevented: true }))).toBeNull();
		expect(shortcutFor(key('m', { isComposing: true }))).toBeNull();
	});
	it('does not repeat the mute toggle while M is held', () => {
		expect(shortcutFor(key('m', { repeat: true }))).toBeNull();
	});
	it('copes with a target that is not an element', () => {
		expect(shortcutFor(key(' ', { target: null }))).toEqual({ action: 'toggle' });
		expect(isTypingTarget(undefined)).toBe(false);
	});
});
