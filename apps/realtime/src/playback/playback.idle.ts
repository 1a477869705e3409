import type { Engine } from '../engine/index.ts';
import { pauseUnattended } from './playback.service.ts';
import { playingRooms } from './playback.store.ts';

/** How often a node looks for playing rooms nobody hears (at most; shorter for short graces). */
const IDLE_TICK_MS = 5_000;

/**
 * Every node watches the playing rooms; one nobody has listened to for `graceMs` (no device
 * playing its audio: everyone left, or only remotes and blocked players remain) pauses.
 * "Nobody" must be certain: while another node cannot be asked (Redis down), nothing pauses.
 * Each node keeps its own "unheard since" clock; the first to reach the grace pauses, once.
 */
export function startIdlePause(engine: Engine, graceMs: number) {
	const log = engine.logger('playback');
	const unheardSince = new Map<string, number>();
	let running = false;
	const tick = async () => {
		if (running) return;
		running = true;
		try {
			const ids = (await playingRooms(engine.db)).map((r) => r.id);
			const playing = new Set(ids);
			const listened = await engine.presence.listened(ids);
			if (!listened) {
				unheardSince.clear();
				return;
			}
			const now = Date.now();
			for (const id of unheardSince.keys()) if (!playing.has(id)) unheardSince.delete(id);
			for (const id of ids) {
				if (listened.has(id)) {
					unheardSince.delete(id);
					continue;
				}
				const since = unheardSince.get(id) ?? now;
				unheardSince.set(id, since);
				if (now - since < graceMs) continue;
				unheardSince.delete(id);
				if (await pauseUnattended(engine, id)) log.info({ roomId: id }, 'paused: nobody listening');
			}
		} catch (err) {
			log.warn({ err }, 'idle pause tick failed');
		} finally {
			running = false;
		}
	};
	const timer = setInterval(() => void tick(), Math.max(50, Math.min(IDLE_TICK_MS, graceMs / 4)));
	timer.unref();
	return { stop: () => clearInterval(timer), tick };
}
