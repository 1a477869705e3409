import { z } from 'zod';
import { defineRoutes, type ResponseSpec, uuidParams } from '$lib/server/api/route-spec';
import { coverQuery } from '$lib/server/library/covers';
import { trackJsonSchema, trackPatchInput } from '$lib/server/library/tracks';

const ids = uuidParams('id');

const trackPath = '/api/v1/tracks/{id}';
// What the stream answers with: the stored (normalised) type of the upload.
const AUDIO = ['audio/mpeg', 'audio/flac', 'audio/ogg', 'audio/wav', 'audio/mp4'];
const IMAGES = ['image/jpeg', 'image/png', 'image/webp'];

const streamHeaders = {
	'Accept-Ranges': { description: 'Always `bytes`' },
	ETag: { description: 'Strong: the SHA-256 of the bytes' },
	'Cache-Control': { description: 'private, max-age=31536000, immutable' }
};
const streamResponses: Record<number, ResponseSpec> = {
	200: {
		description: 'The whole file',
		binary: AUDIO,
		headers: {
			...streamHeaders,
			'Content-Length': { description: 'Size in bytes', schema: z.int().min(0) }
		}
	},
	206: {
		description: 'One byte range (of several asked for, the first)',
		binary: AUDIO,
		headers: {
			...streamHeaders,
			'Content-Range': { description: '`bytes start-end/size`' },
			'Content-Length': { description: 'Length of the range', schema: z.int().min(0) }
		}
	},
	304: { description: 'If-None-Match matched the ETag', headers: streamHeaders },
	401: { description: 'Not signed in' },
	404: { description: 'Missing, not visible, or not playable yet' },
	416: {
		description: 'RANGE_NOT_SATISFIABLE: unsatisfiable or malformed Range',
		headers: { 'Content-Range': { description: '`bytes */size`' } }
	}
};
const streamRequestHeaders = z.object({
	Range: z
		.string()
		.optional()
		.describe(
			'One byte range, e.g. `bytes=0-` or `bytes=-500` (suffixes longer than the file mean all of it)'
		),
	'If-Range': z.string().optional().describe('The ETag: send the range only if it still matches'),
	'If-None-Match': z.string().optional().describe('ETags you have: 304 when one matches')
});
const waveformSchema = z.object({
	status: z.literal('ready'),
	waveform: z.array(z.number().min(0).max(1)).describe('Peaks, 0..1')
});

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/tracks',
		summary: 'Upload one audio file (multipart/form-data, field "file"): MP3, FLAC, Ogg, WAV, M4A',
		auth: true,
		multipart: z.object({
			file: z.file().describe('The audio file; its format is decided by the bytes, not the name')
		}),
		responses: {
			201: {
				description: 'Stored; waveform and cover follow (processingStatus)',
				schema: trackJsonSchema
			},
			400: { description: 'No "file" field, empty or malformed multipart' },
			401: { description: 'Not signed in' },
			413: {
				description:
					'PAYLOAD_TOO_LARGE (UPLOAD_MAX_BYTES) or QUOTA_EXCEEDED (the user quota an admin set, else USER_QUOTA_BYTES)'
			},
			415: { description: 'Not a supported audio format (decided by the bytes)' },
			422: { description: 'Claims a format but cannot be parsed or decoded' }
		}
	},
	{
		method: 'GET',
		path: '/api/v1/tracks',
		summary: 'Your uploads, newest first',
		auth: true,
		responses: {
			200: { description: 'Tracks', schema: z.object({ tracks: z.array(trackJsonSchema) }) },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'GET',
		path: trackPath,
		summary: 'One track you may see',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Track', schema: trackJsonSchema },
			404: { description: 'Missing or not visible' }
		}
	},
	{
		method: 'PATCH',
		path: trackPath,
		summary:
			'Edit tags (title, artist, album, album artist, genre, year, track no.) or visibility (uploader only); text is trimmed, "" clears an optional tag',
		auth: true,
		params: ids,
		body: trackPatchInput,
		responses: {
			200: { description: 'Updated', schema: trackJsonSchema },
			400: { description: 'The body is not valid JSON' },
			403: { description: 'Not the uploader (of a track you may see)' },
			404: { description: 'Missing or not visible' },
			415: { description: 'Not application/json' },
			422: { description: 'Unknown fields, nothing to change, or values out of range (issues)' }
		}
	},
	{
		method: 'DELETE',
		path: trackPath,
		summary: 'Delete a track (the audio goes when no other track uses the same bytes)',
		auth: true,
		params: ids,
		responses: {
			204: { description: 'Deleted' },
			403: { description: 'Not the uploader' },
			404: { description: 'Missing' }
		}
	},
	{
		method: 'GET',
		path: `${trackPath}/stream`,
		summary: 'The audio, with Range support (RFC 9110: one range, If-Range, If-None-Match)',
		auth: true,
		params: ids,
		headers: streamRequestHeaders,
		responses: streamResponses
	},
	{
		method: 'HEAD',
		path: `${trackPath}/stream`,
		summary: 'The headers the stream would answer with (size, ETag, range), without the bytes',
		auth: true,
		params: ids,
		headers: streamRequestHeaders,
		responses: Object.fromEntries(
			Object.entries(streamResponses).map(([status, res]) => [
				status,
				{ ...res, binary: undefined }
			])
		)
	},
	{
		method: 'GET',
		path: `${trackPath}/waveform`,
		summary: 'Waveform peaks (0..1); 202 while still being computed',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Peaks', schema: waveformSchema },
			202: {
				description: 'Still being computed: ask again after Retry-After seconds',
				schema: z.object({
					status: z.enum(['pending', 'ready']),
					waveform: z.null()
				}),
				headers: { 'Retry-After': { description: 'Seconds', schema: z.int() } }
			},
			401: { description: 'Not signed in' },
			404: { description: 'Missing, or no waveform could be computed' }
		}
	},
	{
		method: 'GET',
		path: `${trackPath}/cover`,
		summary:
			'The cover as WebP (a generated placeholder when the track has none); coverUrl is versioned, so it is cached for a year',
		auth: true,
		params: ids,
		query: coverQuery,
		responses: {
			200: { description: 'The image', binary: ['image/webp'] },
			400: { description: 'Unknown size' },
			401: { description: 'Not signed in' },
			404: { description: 'Missing or not visible' }
		}
	},
	{
		method: 'PUT',
		path: `${trackPath}/cover`,
		summary: 'Replace the cover: raw JPEG, PNG or WebP body (uploader only)',
		auth: true,
		params: ids,
		rawBody: IMAGES,
		responses: {
			200: { description: 'Updated', schema: trackJsonSchema },
			400: { description: 'Empty body' },
			403: { description: 'Not the uploader (of a track you may see)' },
			404: { description: 'Missing or not visible' },
			413: { description: 'More than 15 MB, or too many pixels' },
			415: { description: 'Not JPEG, PNG or WebP (decided by the bytes)' }
		}
	}
);
