import type { Db } from '@chorus/db';
import { serverNowMs } from '../clock/clock.handlers.ts';
import type { Logger } from '../logger.ts';
import { ADVANCE_AHEAD_MS, type PlaybackService } from './playback.service.ts';

export const ADVANCE_TICK_MS = 200;

/**
 * Every node watches every playing room's timeline, so a track ends on time even when the node
 * that started it died or nobody is connected; the row lock makes the advance happen once.
 */
export function startAdvanceTicker(db: Db, playback: PlaybackService, log: Logger) {
	let running = false;
	const tick = async () => {
		if (running) return; // a slow tick must not pile up behind itself
		running = true;
		try {
			const due = await db.$queryRaw<{ id: string }[]>`
				SELECT r.id FROM rooms r
				JOIN queue_items qi ON qi.id = r.current_item_id
				JOIN tracks t ON t.id = qi.track_id
				WHERE NOT r.playback_paused AND r.closed_at IS NULL
					AND r.playback_anchor_ms + (t.duration_ms - r.playback_position_ms)
						<= ${serverNowMs() + ADVANCE_AHEAD_MS}`;
			for (const { id } of due) await playback.advanceIfEnded(id);
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
