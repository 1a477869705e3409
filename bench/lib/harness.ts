// Runs a benchmark body with guaranteed cleanup: on success, on error, on Ctrl-C/SIGTERM and when
// the overall time limit is hit, every registered step runs (newest first), each bounded in time.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Step = { label: string; fn: () => Promise<unknown> | unknown };

const STEP_TIMEOUT_MS = 20_000;

export class Cleanup {
	private steps: Step[] = [];
	private running: Promise<void> | undefined;

	add(label: string, fn: Step['fn']): void {
		this.steps.push({ label, fn });
	}

	/** Idempotent: a second call (e.g. a signal during cleanup) waits for the first. */
	run(): Promise<void> {
		this.running ??= (async () => {
			for (const step of this.steps.reverse()) {
				let timer: NodeJS.Timeout | undefined;
				const timeout = new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error('timed out')), STEP_TIMEOUT_MS);
				});
				try {
					await Promise.race([Promise.resolve().then(step.fn), timeout]);
				} catch (err) {
					console.error(`# cleanup "${step.label}" failed: ${(err as Error).message}`);
				} finally {
					clearTimeout(timer);
				}
			}
			this.steps = [];
		})();
		return this.running;
	}
}

/**
 * Runs `body`, then the cleanup. Exits with 1 on error or timeout, 130 on SIGINT/SIGTERM, so a
 * half-finished run never leaves servers, databases or temp files behind.
 */
export async function runBench(
	name: string,
	timeLimitMs: number,
	body: (cleanup: Cleanup) => Promise<void>
): Promise<never> {
	const cleanup = new Cleanup();
	let aborting = false;
	const abort = async (code: number, why: string) => {
		if (aborting) return;
		aborting = true;
		console.error(`# ${name}: ${why}; cleaning up`);
		await cleanup.run();
		process.exit(code);
	};
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(sig, () => void abort(130, `received ${sig}`));
	}
	// Whatever goes wrong outside `body` (a stray rejection, a reader of our output that went
	// away: EPIPE) must still clean up rather than crash past it.
	const fatal = (err: unknown) => void abort(1, `uncaught ${String(err)}`);
	process.on('uncaughtException', fatal);
	process.on('unhandledRejection', fatal);
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', () => void abort(1, 'output closed'));
	}
	const watchdog = setTimeout(
		() => void abort(1, `time limit of ${Math.round(timeLimitMs / 1000)} s exceeded`),
		timeLimitMs
	);
	let code = 0;
	try {
		await body(cleanup);
	} catch (err) {
		console.error(`# ${name} failed:`, err);
		code = 1;
	}
	clearTimeout(watchdog);
	await cleanup.run();
	process.exit(code);
}

function usage(message: string): never {
	console.error(message);
	process.exit(2);
}

/**
 * Command-line flags: `--name value` for every key of `numbers` (validated against `limits`) and
 * of `choices` (one of the listed values, the first being the default).
 */
export function benchArgs<N extends string, C extends string>(
	numbers: Record<N, number>,
	limits: Partial<Record<N, [number, number]>> = {},
	choices: Record<C, readonly string[]> = {} as Record<C, readonly string[]>
): Record<N, number> & Record<C, string> {
	const options: ParseArgsConfig['options'] = {};
	for (const key of [...Object.keys(numbers), ...Object.keys(choices)]) {
		options[key] = { type: 'string' };
	}
	let values: ReturnType<typeof parseArgs>['values'];
	try {
		({ values } = parseArgs({ options, allowPositionals: false, strict: true }));
	} catch (err) {
		usage((err as Error).message);
	}
	const out: Record<string, number | string> = {};
	for (const key of Object.keys(numbers) as N[]) {
		const raw = values[key];
		out[key] = numbers[key];
		if (raw === undefined) continue;
		const n = Number(raw);
		const [min, max] = limits[key] ?? [0, Number.MAX_SAFE_INTEGER];
		if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
			usage(`--${key} must be a number in [${min}, ${max}], got ${String(raw)}`);
		}
		out[key] = n;
	}
	for (const key of Object.keys(choices) as C[]) {
		const allowed = choices[key];
		const raw = values[key] ?? allowed[0];
		if (typeof raw !== 'string' || !allowed.includes(raw)) {
			usage(`--${key} must be one of ${allowed.join(', ')}, got ${String(raw)}`);
		}
		out[key] = raw;
	}
	return out as Record<N, number> & Record<C, string>;
}
