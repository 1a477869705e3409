/**
 * The API paths of a track's media, shared by every server that describes a track. The cover
 * URL changes with the cover (its hash is in the query), so browsers may cache each one for good.
 */
export function trackUrls(trackId: string, coverSha256: string | null) {
	const base = `/api/v1/tracks/${trackId}`;
	const coverVersion = coverSha256 ? coverSha256.slice(0, 12) : 'placeholder';
	return {
		coverUrl: `${base}/cover?size=md&v=${coverVersion}`,
		waveformUrl: `${base}/waveform`,
		streamUrl: `${base}/stream`
	};
}
