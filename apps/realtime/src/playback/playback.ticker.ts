import { serverNowMs, type Engine } from '../engine/index.ts';
import { ADVANCE_AHEAD_MS, advanceIfEnded } from './playback.service.ts';
import { roomsEndingBefore } from './playback.store.ts';

export const ADVANCE_TICK_MS = 200;

/**
 * Every node watches every playing room's timeline, so a track ends on time even when the node
 * that started it died or nobody is connected; the row lock makes the advance happen once.
 */
export function startAdvanceTicker(engine: Engine) {
	const log = engine.logger('playback');
	let running = false;
	const tick = async () => {
		if (running) return; // a slow tick must not pile up behind itself
		running = true;
		try {
			const due = await roomsEndingBefore(engine.db, serverNowMs() + ADVANCE_AHEAD_MS);
			for (const { id } of due) if (await advanceIfEnded(engine, id)) engine.metrics.advance();
		} catch (err) {
			log.warn({ err }, 'advance tick failed');
		} finally {
			running = false;
		}
	};
	const timer = setInterval(() => void tick(), ADVANCE_TICK_MS);
	timer.unref();
	return { stop: () => clearInterval(timer), tick };
}
