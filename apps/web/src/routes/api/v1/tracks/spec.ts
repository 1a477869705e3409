import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { trackJsonSchema, trackPatchInput } from '$lib/server/library/tracks';

const trackPath = '/api/v1/tracks/{id}';

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/tracks',
		summary: 'Upload one audio file (multipart/form-data, field "file"): MP3, FLAC, Ogg, WAV, M4A',
		auth: true,
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
		responses: {
			204: { description: 'Deleted' },
			403: { description: 'Not the uploader' },
			404: { description: 'Missing' }
		}
	},
	{
		method: 'GET',
		path: `${trackPath}/stream`,
		summary: 'The audio, with Range support (also HEAD)',
		auth: true,
		responses: {
			200: { description: 'Whole file' },
			206: { description: 'One byte range' },
			304: { description: 'If-None-Match matched the ETag' },
			404: { description: 'Missing or not visible' },
			416: { description: 'Unsatisfiable or malformed Range' }
		}
	},
	{
		method: 'GET',
		path: `${trackPath}/waveform`,
		summary: 'Waveform peaks (0..1); 202 while still being computed',
		auth: true,
		responses: {
			200: { description: 'Peaks' },
			202: { description: 'Pending' },
			404: { description: 'Missing' }
		}
	},
	{
		method: 'PUT',
		path: `${trackPath}/cover`,
		summary: 'Replace the cover: raw JPEG, PNG or WebP body (uploader only)',
		auth: true,
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
