/**
 * The version rules a room client follows, without the socket or the state they guard.
 *
 * Broadcasts carry the room version of the mutation that sent them. A client applies them in
 * order: older versions are ignored; the same version again (one mutation, several events) and
 * the next one are applied. After a gap, `full` events (queue, members, room, playback: they
 * carry their whole domain) are applied anyway and `delta` events (chat, a vote's tally) are
 * not; either way a snapshot (`room:sync`) must then cover the gap. A room:version beacon ahead
 * of what is shown means a broadcast was missed.
 */
export type EventKind = 'full' | 'delta';

export interface Verdict {
	apply: boolean;
	/** A snapshot is needed (the caller runs one room:sync at a time; see needsSync). */
	sync: boolean;
}

const IGNORE: Verdict = { apply: false, sync: false };

export class RoomFeed {
	/** The version of what is shown. */
	version = 0;
	#joined = false;
	/** Everything up to this version is shown: a snapshot, then events without a gap. */
	#covered = 0;
	/** The newest version known to exist: a snapshot must reach it before we are caught up. */
	#wanted = 0;

	get joined(): boolean {
		return this.#joined;
	}

	/** True while some version is known that no applied snapshot or ordered event covers. */
	get needsSync(): boolean {
		return this.#joined && this.#wanted > this.#covered;
	}

	/** The socket went away: nothing is applied until the next join's snapshot. */
	left(): void {
		this.#joined = false;
	}

	/**
	 * A snapshot: from `room:join` always (a new socket starts over), from `room:sync` only when
	 * it is not older than what is shown (it was answered after newer events were applied).
	 */
	snapshot(version: number, fromJoin: boolean): boolean {
		if (!fromJoin && (!this.#joined || version < this.version)) return false;
		this.#joined = true;
		this.version = version;
		this.#covered = version;
		return true;
	}

	/** One versioned broadcast. */
	receive(version: number, kind: EventKind): Verdict {
		// Noted even while joining: an event sent between the snapshot and its ack is newer than
		// the snapshot, and the join then syncs once more to get it.
		this.#want(version);
		if (!this.#joined || version < this.version) return IGNORE;
		if (version === this.version) return { apply: kind === 'full', sync: false };
		if (version === this.version + 1) {
			if (this.#covered === this.version) this.#covered = version;
			this.version = version;
			return { apply: true, sync: this.needsSync };
		}
		if (kind === 'full') this.version = version;
		return { apply: kind === 'full', sync: true };
	}

	/** The room's version in the database (room:version): ahead of us means we missed something. */
	beacon(version: number): boolean {
		this.#want(version);
		return this.needsSync;
	}

	#want(version: number) {
		if (version > this.#wanted) this.#wanted = version;
	}
}
