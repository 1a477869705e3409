/**
 * The one gate for every redirect target that comes from a request (`?redirectTo=`, OAuth state,
 * links built from the current URL). Only a path on this site survives; anything else is `/`.
 *
 * Browsers are lenient where it hurts: they drop tabs and newlines anywhere in a URL, strip
 * leading control characters and spaces, read `\` as `/`, and resolve dot segments (also
 * `%2e%2e`) before a path can turn into `//host`. A proxy or a second decode may add a round of
 * percent-decoding. So the target is refused unless it is a plain same-origin path under every
 * one of those readings, and it is returned re-serialised by the WHATWG URL parser.
 * Shared by the server (authoritative) and pages (so links never carry a hostile value along).
 */
export function safeRedirect(target: string | null | undefined, fallback = '/'): string {
	return checkedPath(target) ?? fallback;
}

const MAX_TARGET_LENGTH = 2048;
const MAX_DECODE_ROUNDS = 4;
/** Controls (C0, DEL, C1), format characters (zero-width, bidi), backslash. */
const NEVER_ALLOWED = /[\p{Cc}\p{Cf}\\]/u;
/** What a lenient reader might ignore between the slashes: whitespace, controls, format chars. */
const IGNORABLE = /[\s\p{Cc}\p{Cf}]/gu;
const BASE = 'http://chorus.invalid';

function checkedPath(target: string | null | undefined): string | null {
	if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_LENGTH)
		return null;
	// Raw: no whitespace at all (encodeURIComponent never leaves any), no controls, no `\`.
	if (/\s/u.test(target) || NEVER_ALLOWED.test(target)) return null;

	// Every decoding round (and its compatibility-normalised form) must still be a local path.
	let layer = target;
	for (let round = 0; ; round++) {
		if (!looksLocal(layer) || !looksLocal(layer.normalize('NFKC'))) return null;
		if (round > 0 && NEVER_ALLOWED.test(layer)) return null;
		let decoded: string;
		try {
			decoded = decodeURIComponent(layer);
		} catch {
			return null; // malformed escapes: nothing we would ever have produced
		}
		if (decoded === layer) break;
		if (round === MAX_DECODE_ROUNDS) return null;
		layer = decoded;
	}

	let url: URL;
	try {
		url = new URL(target, BASE);
	} catch {
		return null;
	}
	// After dot segments are resolved the path must still not read as `//host`.
	if (url.origin !== BASE || !looksLocal(url.pathname)) return null;
	// Resolving dot segments can uncover what the layers above refuse (`/../／/x` serialises to
	// `/%EF%BC%8F/x`, which decodes and normalises to `//x`): the result must pass them itself.
	const out = url.pathname + url.search + url.hash;
	return out === target ? out : checkedPath(out);
}

/** `/x…`, and not `//`, `/\` once ignorable characters are dropped. */
function looksLocal(value: string): boolean {
	const squeezed = value.replace(IGNORABLE, '');
	return (
		value.startsWith('/') && squeezed.startsWith('/') && squeezed[1] !== '/' && squeezed[1] !== '\\'
	);
}

/** `?redirectTo=` of a URL, checked; null when absent (so links can leave it out). */
export function redirectParam(url: URL): string | null {
	const raw = url.searchParams.get('redirectTo');
	return raw === null ? null : safeRedirect(raw);
}
