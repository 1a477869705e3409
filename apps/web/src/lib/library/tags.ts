// Which tags an upload lacks. Shared by the server (the fallback it writes) and the pages that
// ask the uploader to fill them in.

/** The artist of a file without artist tags. */
export const UNKNOWN_ARTIST = 'Unknown artist';

export type MissingTag = 'artist' | 'album' | 'cover';

interface TaggedTrack {
	artist: string;
	album: string | null;
	coverUrl: string;
	processingStatus: 'pending' | 'ready' | 'failed';
}

/** The tags worth adding, in the order the edit form shows them. */
export function missingTags(track: TaggedTrack): MissingTag[] {
	const missing: MissingTag[] = [];
	if (track.artist === UNKNOWN_ARTIST) missing.push('artist');
	if (!track.album) missing.push('album');
	// Until processing is done the embedded cover may still turn up.
	if (track.processingStatus === 'ready' && /[?&]v=placeholder(&|$)/.test(track.coverUrl))
		missing.push('cover');
	return missing;
}

/**
 * Whether to ask the uploader for details: a file with no artist tag (usually no tags at all).
 * A tagged single without an album is fine as it is and is not nagged about.
 */
export function needsDetails(track: TaggedTrack): boolean {
	return track.artist === UNKNOWN_ARTIST;
}

/** "artist, album and cover" */
export function listMissing(missing: readonly MissingTag[]): string {
	if (missing.length <= 1) return missing.join('');
	return `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
}
