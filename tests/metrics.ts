// Reads the Prometheus text format the services answer on /metrics (tests only).

export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
	const samples: Sample[] = [];
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const m = LINE.exec(line);
		if (!m) continue;
		const labels: Record<string, string> = {};
		for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k!] = v!;
		samples.push({ name: m[1]!, labels, value: Number(m[3]) });
	}
	return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function metricValue(samples: Sample[], name: string, labels: Record<string, string> = {}) {
	return samples
		.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
		.reduce((sum, s) => sum + s.value, 0);
}

/** How much `name` (with `labels`) moved between two scrapes. */
export const metricDelta = (
	before: Sample[],
	after: Sample[],
	name: string,
	labels: Record<string, string> = {}
) => metricValue(after, name, labels) - metricValue(before, name, labels);

/** Every series name a scrape exposes (histograms' _bucket/_sum/_count included). */
export const metricNames = (text: string) => new Set(parseMetrics(text).map((s) => s.name));

/** GET /metrics (from loopback, so no token is needed unless one is given). */
export async function scrape(baseUrl: string, token?: string): Promise<Sample[]> {
	const res = await fetch(`${baseUrl}/metrics`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
	if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
	return parseMetrics(await res.text());
}
