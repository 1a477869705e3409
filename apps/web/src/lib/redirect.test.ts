import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redirectParam, safeRedirect } from './redirect.ts';

const APP = 'https://chorus.example';

/** Where a browser on the app would end up for a Location header value. */
const landsOn = (location: string) => new URL(location, `${APP}/login`).origin;

/** Every reading of a value: as is, and after each further round of percent-decoding. */
function readings(value: string): string[] {
	const out = [value];
	for (let i = 0; i < 4; i++) {
		try {
			const next = decodeURIComponent(out.at(-1)!);
			if (next === out.at(-1)) break;
			out.push(next);
		} catch {
			break;
		}
	}
	return out;
}

describe('safeRedirect', () => {
	const hostile = [
		'//evil.test',
		'///evil.test',
		'////evil.test',
		'/\\evil.test',
		'\\\\evil.test',
		'/\\/evil.test',
		'\\/evil.test',
		'/\t/evil.test',
		'/\n/evil.test',
		'/\r\n/evil.test',
		'/%09/evil.test',
		'/%0a/evil.test',
		'/%0D%0A/evil.test',
		'/%00/evil.test',
		'/%2F/evil.test',
		'/%2f%2fevil.test',
		'%2F%2Fevil.test',
		'/%5C/evil.test',
		'/%5cevil.test',
		'/%252F/evil.test',
		'/%25252F%25252Fevil.test',
		'/%2509/evil.test',
		' //evil.test',
		'\t//evil.test',
		'/ /evil.test',
		'/\u00a0/evil.test',
		'/\u200b/evil.test',
		'/\u2028/evil.test',
		'/\ufeff/evil.test',
		'/\u202e/evil.test',
		'/\u0085/evil.test',
		'/%E2%80%8B/evil.test',
		'/%C2%A0/evil.test',
		'/\uff0fevil.test',
		'\uff0f\uff0fevil.test',
		'/%EF%BC%8Fevil.test',
		// Dot segments resolved first, then the fullwidth slash reads as `//`.
		'/../\uff0f/evil.test',
		'/a/../..//evil.test',
		'/%2e%2e//evil.test',
		'/./%2E%2E/.//evil.test',
		'https://evil.test',
		'http:evil.test',
		'//evil.test/%2F..',
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'/javascript:alert(1)//%0a',
		'data:text/html,<script>alert(1)</script>',
		'evil.test',
		'',
		'%',
		'/%E0%A4%A',
		'/x'.repeat(2000)
	];
	it.each(hostile.map((t) => [JSON.stringify(t).slice(0, 40), t]))(
		'refuses %s',
		(_label, target) => {
			expect(safeRedirect(target)).toBe('/');
		}
	);

	it('falls back for missing values, and to a given fallback', () => {
		expect(safeRedirect(null)).toBe('/');
		expect(safeRedirect(undefined)).toBe('/');
		expect(safeRedirect('//evil.test', '/library')).toBe('/library');
	});

	const kept: [string, string][] = [
		['/', '/'],
		['/rooms', '/rooms'],
		['/rooms/abc?tab=queue#chat', '/rooms/abc?tab=queue#chat'],
		['/invite/Zm9v-bar_baz', '/invite/Zm9v-bar_baz'],
		['/artists/Daft%20Punk', '/artists/Daft%20Punk'],
		['/search?q=caf%C3%A9', '/search?q=caf%C3%A9'],
		['/search?q=a%2Fb', '/search?q=a%2Fb'],
		['/albums/x/../y', '/albums/y'],
		['/tracks/é', '/tracks/%C3%A9']
	];
	it.each(kept)('keeps %s', (target, expected) => {
		expect(safeRedirect(target)).toBe(expected);
	});

	it('redirectParam reads ?redirectTo= and is null without one', () => {
		expect(redirectParam(new URL(`${APP}/login`))).toBeNull();
		expect(redirectParam(new URL(`${APP}/login?redirectTo=%2Frooms`))).toBe('/rooms');
		expect(redirectParam(new URL(`${APP}/login?redirectTo=/%09/evil.test`))).toBe('/');
	});

	// Whatever comes in, what goes out stays on the app under every reading, and is stable.
	const stays = (target: string) => {
		const out = safeRedirect(target);
		for (const r of readings(out)) expect(landsOn(r)).toBe(APP);
		expect(out.startsWith('/') && !out.startsWith('//')).toBe(true);
		expect(safeRedirect(out)).toBe(out);
	};

	it('property: any string comes out as a path on the app', () => {
		fc.assert(fc.property(fc.string({ unit: 'binary' }), stays), { numRuns: 2000 });
	});

	it('property: slash, backslash, space and control soup in front of a host never escapes', () => {
		const piece = fc.constantFrom(
			'/',
			'\\',
			'%2F',
			'%2f',
			'%5C',
			'%252F',
			'%09',
			'\t',
			'\n',
			' ',
			'%20',
			'\u200b',
			'\uff0f',
			'.',
			'..',
			'%2e',
			'@',
			':'
		);
		const hostileTarget = fc
			.tuple(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.constantFrom('evil.test', ''))
			.map(([parts, host]) => parts.join('') + host);
		fc.assert(
			fc.property(hostileTarget, (target) => {
				stays(target);
				// A target that any reading would send off-site must have been replaced.
				const escapes = readings(target).some((r) => {
					try {
						return landsOn(r.replace(/[\s\u200b]/g, '')) !== APP;
					} catch {
						return false;
					}
				});
				if (escapes) expect(safeRedirect(target)).toBe('/');
			}),
			{ numRuns: 3000 }
		);
	});

	it('property: ordinary app paths pass unchanged', () => {
		const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
		const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => '/' + s.join('/'));
		fc.assert(
			fc.property(path, fc.option(segment), (p, q) => {
				const target = q ? `${p}?q=${q}` : p;
				expect(safeRedirect(target)).toBe(target);
			})
		);
	});
});
