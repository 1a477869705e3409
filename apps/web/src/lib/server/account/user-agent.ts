/**
 * A short readable label ("Firefox on Linux") for a sessions list. No parser library is a direct
 * dependency of the web app, and a label only needs the browser family and the OS, so this is a
 * deliberately tiny ordered match: the more specific tokens (Edge, Opera) are tried before the
 * ones their user agents also contain (Chrome, Safari).
 */
const BROWSERS: [RegExp, string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/SamsungBrowser\//, 'Samsung Internet'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/HeadlessChrome\//, 'Headless Chrome'],
	[/Chrome\/|CriOS\//, 'Chrome'],
	[/Version\/[\d.]+.*Safari\//, 'Safari'],
	[/curl\//, 'curl'],
	[/node|undici/i, 'Node.js']
];

const SYSTEMS: [RegExp, string][] = [
	[/Windows/, 'Windows'],
	[/iPhone|iPad|iPod/, 'iOS'],
	[/Android/, 'Android'],
	[/CrOS/, 'ChromeOS'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/Linux/, 'Linux']
];

export function deviceLabel(userAgent: string | null | undefined): string {
	if (!userAgent) return 'Unknown device';
	const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
	const os = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
	if (browser && os) return `${browser} on ${os}`;
	return browser ?? os ?? 'Unknown device';
}
