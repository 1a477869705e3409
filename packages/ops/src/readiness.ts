/** One dependency probe: resolves when the dependency answers, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface Readiness {
	ok: boolean;
	/** Per dependency: 'ok', or why it failed (a short message, never a stack). */
	checks: Record<string, string>;
}

/**
 * Redis answers a ping. ioredis queues commands while it is away (and the adapter's clients
 * never give up), so a bare ping would hang until the timeout: a client not ready fails at once.
 */
export function redisCheck(client: { status: string; ping(): Promise<unknown> }): ReadinessCheck {
	return async () => {
		if (client.status !== 'ready') throw new Error(`redis ${client.status}`);
		await client.ping();
	};
}

/** A dependency that does not answer within this long counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

/** Runs every probe at once; `ok` only when all of them answered in time. */
export async function checkReadiness(
	checks: Record<string, ReadinessCheck>,
	timeoutMs = CHECK_TIMEOUT_MS
): Promise<Readiness> {
	const names = Object.keys(checks);
	const results = await Promise.allSettled(
		names.map((name) => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
			});
			return Promise.race([checks[name]!(), timeout]).finally(() => clearTimeout(timer));
		})
	);
	const out: Record<string, string> = {};
	results.forEach((r, i) => {
		out[names[i]!] =
			r.status === 'fulfilled'
				? 'ok'
				: String((r.reason as Error)?.message ?? r.reason).slice(0, 200);
	});
	return { ok: results.every((r) => r.status === 'fulfilled'), checks: out };
}
