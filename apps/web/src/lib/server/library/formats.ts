import { fileTypeFromFile } from 'file-type';
import { open } from 'node:fs/promises';

export type AudioFamily = 'mp3' | 'flac' | 'ogg' | 'wav' | 'mp4';

export interface SniffedFormat {
	family: AudioFamily;
	/** The Content-Type we serve, decided by the bytes. */
	mimeType: string;
}

// What file-type reports for each accepted container, by magic numbers.
const BY_MIME: Record<string, SniffedFormat> = {
	'audio/mpeg': { family: 'mp3', mimeType: 'audio/mpeg' },
	'audio/flac': { family: 'flac', mimeType: 'audio/flac' },
	'audio/x-flac': { family: 'flac', mimeType: 'audio/flac' },
	'audio/ogg': { family: 'ogg', mimeType: 'audio/ogg' },
	'audio/opus': { family: 'ogg', mimeType: 'audio/ogg' },
	'audio/ogg; codecs=opus': { family: 'ogg', mimeType: 'audio/ogg' },
	'audio/vorbis': { family: 'ogg', mimeType: 'audio/ogg' },
	'audio/wav': { family: 'wav', mimeType: 'audio/wav' },
	'audio/x-wav': { family: 'wav', mimeType: 'audio/wav' },
	'audio/vnd.wave': { family: 'wav', mimeType: 'audio/wav' },
	'audio/wave': { family: 'wav', mimeType: 'audio/wav' },
	'audio/mp4': { family: 'mp4', mimeType: 'audio/mp4' },
	'audio/x-m4a': { family: 'mp4', mimeType: 'audio/mp4' },
	'audio/m4a': { family: 'mp4', mimeType: 'audio/mp4' },
	'audio/aac': { family: 'mp4', mimeType: 'audio/mp4' },
	'video/mp4': { family: 'mp4', mimeType: 'audio/mp4' }
};

/** Identifies the container by its bytes only; null for anything we do not accept. */
export async function sniffAudio(path: string): Promise<SniffedFormat | null> {
	const type = await fileTypeFromFile(path);
	if (type) return BY_MIME[type.mime] ?? null;
	// An ID3v2 tag claims MP3 even when nothing recognisable follows it: that is a damaged MP3
	// (422 after parsing), not an unknown format.
	const head = Buffer.alloc(3);
	const file = await open(path);
	try {
		await file.read(head, 0, 3, 0);
	} finally {
		await file.close();
	}
	return head.toString('latin1') === 'ID3' ? BY_MIME['audio/mpeg']! : null;
}

// Which codecs music-metadata may report inside each container (lower-cased prefixes).
const CODECS: Record<AudioFamily, RegExp> = {
	mp3: /^mpeg 1 layer 3|^mpeg 2 layer 3|^mpeg 2\.5 layer 3|^mp3/i,
	flac: /^flac/i,
	ogg: /^(vorbis|opus)/i,
	wav: /^(pcm|ieee_float|wave)/i,
	mp4: /^(mpeg-4\/aac|aac|alac)/i
};

export function codecMatches(family: AudioFamily, codec: string | undefined): boolean {
	return !!codec && CODECS[family].test(codec);
}
