// The app-wide upload queue: a module singleton, so uploads go on while the user browses.
// XMLHttpRequest (not fetch) because it reports upload progress.
import type { Track } from '$lib/types';

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'duplicate' | 'rejected';

export interface UploadItem {
	readonly id: number;
	readonly name: string;
	readonly size: number;
	/** 0..1 of the bytes sent. */
	progress: number;
	status: UploadStatus;
	/** Why it was rejected (the API's error.message), or a note such as "Already in your library". */
	message: string | null;
	track: Track | null;
}

const CONCURRENCY = 2;
const ENDPOINT = '/api/v1/tracks';

/** Not worth a round trip: the server sniffs the bytes and decides; these only catch the obvious. */
const AUDIO_EXTENSIONS = /\.(mp3|flac|ogg|oga|opus|wav|m4a|mp4|aac)$/i;
export function looksLikeAudio(file: { name: string; type: string }): boolean {
	return file.type.startsWith('audio/') || AUDIO_EXTENSIONS.test(file.name);
}

interface UploadResult {
	status: number;
	body: unknown;
}

function send(
	xhr: XMLHttpRequest,
	file: File,
	onProgress: (fraction: number) => void
): Promise<UploadResult> {
	return new Promise((resolve) => {
		xhr.open('POST', ENDPOINT);
		xhr.responseType = 'json';
		xhr.setRequestHeader('accept', 'application/json');
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
		};
		xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
		xhr.onerror = () => resolve({ status: 0, body: null });
		xhr.ontimeout = () => resolve({ status: 0, body: null });
		xhr.onabort = () => resolve({ status: 0, body: null });
		const form = new FormData();
		form.append('file', file, file.name);
		xhr.send(form);
	});
}

function errorMessage(body: unknown): string | null {
	const err = (body as { error?: { message?: unknown } } | null)?.error;
	return typeof err?.message === 'string' ? err.message : null;
}

class UploadManager {
	items = $state<UploadItem[]>([]);
	#files = new Map<number, File>();
	#seq = 0;
	#running = new Map<number, XMLHttpRequest>();
	/** sha256 of the audio already in my library; loaded once, before the first upload finishes. */
	#known: Promise<Set<string>> | null = null;

	get active(): number {
		return this.items.filter((i) => i.status === 'queued' || i.status === 'uploading').length;
	}
	get finished(): number {
		return this.items.filter((i) => i.status !== 'queued' && i.status !== 'uploading').length;
	}
	/** Overall progress of the queued and running uploads, by bytes (0..1). */
	get progress(): number {
		const pending = this.items.filter((i) => i.status === 'queued' || i.status === 'uploading');
		const total = pending.reduce((n, i) => n + i.size, 0);
		if (!total) return pending.length ? 0 : 1;
		return pending.reduce((n, i) => n + i.size * i.progress, 0) / total;
	}

	/** Queues files; those that are obviously not audio are rejected at once. */
	add(files: Iterable<File>) {
		for (const file of files) {
			const id = ++this.#seq;
			const audio = looksLikeAudio(file);
			this.items.push({
				id,
				name: file.name,
				size: file.size,
				progress: 0,
				status: audio ? 'queued' : 'rejected',
				message: audio ? null : 'Not an audio file',
				track: null
			});
			if (audio) this.#files.set(id, file);
		}
		// A fresh list per batch: tracks may have been deleted or uploaded from elsewhere meanwhile.
		if (!this.#running.size || !this.#known) this.#known = this.#loadKnown();
		this.#pump();
	}

	/** Tries a rejected upload again (network failures, server errors, quota freed up). */
	retry(id: number) {
		const item = this.items.find((i) => i.id === id);
		if (!item || item.status !== 'rejected' || !this.#files.has(id)) return;
		item.status = 'queued';
		item.progress = 0;
		item.message = null;
		this.#pump();
	}

	canRetry(id: number): boolean {
		return this.#files.has(id);
	}

	/** Drops finished items from the list. */
	clearFinished() {
		this.items = this.items.filter((i) => i.status === 'queued' || i.status === 'uploading');
		for (const id of this.#files.keys()) {
			if (!this.items.some((i) => i.id === id)) this.#files.delete(id);
		}
	}

	async #loadKnown(): Promise<Set<string>> {
		try {
			const r = await fetch(ENDPOINT, { headers: { accept: 'application/json' } });
			if (!r.ok) return new Set();
			const body = (await r.json()) as { tracks?: { sha256?: string }[] };
			return new Set((body.tracks ?? []).map((t) => t.sha256 ?? '').filter(Boolean));
		} catch {
			return new Set();
		}
	}

	#pump() {
		while (this.#running.size < CONCURRENCY) {
			const item = this.items.find((i) => i.status === 'queued');
			if (!item) return;
			const xhr = new XMLHttpRequest();
			this.#running.set(item.id, xhr);
			item.status = 'uploading';
			void this.#upload(item, xhr).finally(() => {
				// After reset() this slot belongs to nobody any more.
				if (this.#running.get(item.id) !== xhr) return;
				this.#running.delete(item.id);
				this.#pump();
			});
		}
	}

	/** Signing out: stops everything and forgets the list. */
	reset() {
		const running = [...this.#running.values()];
		this.#running.clear();
		for (const xhr of running) xhr.abort();
		this.items = [];
		this.#files.clear();
		this.#known = null;
	}

	async #upload(item: UploadItem, xhr: XMLHttpRequest) {
		const file = this.#files.get(item.id);
		if (!file) {
			item.status = 'rejected';
			item.message = 'The file is no longer available; choose it again';
			return;
		}
		// The list is read before the upload so this file's own track is not in it.
		const known = await (this.#known ?? new Set<string>());
		const { status, body } = await send(xhr, file, (p) => (item.progress = p));
		if (this.#running.get(item.id) !== xhr) return;
		if (status === 201 || status === 200) {
			const track = body as Track;
			item.progress = 1;
			item.track = track;
			if (known.has(track.sha256)) {
				item.status = 'duplicate';
				item.message = 'Already in your library';
			} else {
				known.add(track.sha256);
				item.status = 'done';
				item.message = null;
			}
			this.#files.delete(item.id);
			return;
		}
		item.status = 'rejected';
		item.progress = 0;
		if (status === 0) item.message = 'The upload was interrupted (network error); try again';
		else if (status === 401) item.message = 'Your session has ended; sign in again and retry';
		else item.message = errorMessage(body) ?? `The server refused the file (HTTP ${status})`;
		// 4xx (except an expired session or rate limit) are final: the same bytes would fail again.
		if (status >= 400 && status < 500 && status !== 401 && status !== 429 && status !== 413) {
			this.#files.delete(item.id);
		}
	}
}

export const uploads = new UploadManager();
