import Bowser from 'bowser';

/** A short readable label for a sessions list: "Firefox on Linux", "Safari on iOS". */
export function deviceLabel(userAgent: string | null | undefined): string {
	if (!userAgent) return 'Unknown device';
	const parsed = Bowser.parse(userAgent);
	// Bowser answers "" for names it does not know.
	const browser = parsed.browser.name || undefined;
	const os = parsed.os.name || undefined;
	if (browser && os) return `${browser} on ${os}`;
	return browser ?? os ?? 'Unknown device';
}
