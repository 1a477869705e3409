// Like state shared by every control showing a track (rows, the player bar), so liking a track in
// one place updates the others at once. Server answers win; failures roll back.
import { SvelteMap } from 'svelte/reactivity';
import type { LikeState } from '$lib/library/types';
import { toasts } from '$lib/toasts/toasts.svelte';
import type { Track } from '$lib/types';

const overrides = new SvelteMap<string, LikeState>();
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- request bookkeeping, not UI state
const busy = new Set<string>();

export function likeState(track: Pick<Track, 'id' | 'likedByMe' | 'likeCount'>): LikeState {
	return overrides.get(track.id) ?? { liked: track.likedByMe, likeCount: track.likeCount };
}

/** Flips the like; resolves to an error message (also shown as a toast), or null on success. */
export async function toggleLike(
	track: Pick<Track, 'id' | 'likedByMe' | 'likeCount'>
): Promise<string | null> {
	if (busy.has(track.id)) return null;
	const before = likeState(track);
	const liked = !before.liked;
	overrides.set(track.id, {
		liked,
		likeCount: Math.max(0, before.likeCount + (liked ? 1 : -1))
	});
	busy.add(track.id);
	try {
		const r = await fetch(`/api/v1/tracks/${encodeURIComponent(track.id)}/like`, {
			method: liked ? 'PUT' : 'DELETE',
			headers: { accept: 'application/json' }
		});
		const body = (await r.json().catch(() => null)) as
			(Partial<LikeState> & { error?: { message?: string } }) | null;
		if (!r.ok) {
			overrides.set(track.id, before);
			return failed(body?.error?.message ?? `Could not update the like (HTTP ${r.status})`);
		}
		overrides.set(track.id, {
			liked: body?.liked ?? liked,
			likeCount: typeof body?.likeCount === 'number' ? body.likeCount : before.likeCount
		});
		return null;
	} catch {
		overrides.set(track.id, before);
		return failed('Could not reach the server');
	} finally {
		busy.delete(track.id);
	}
}

function failed(message: string): string {
	toasts.error(message);
	return message;
}
