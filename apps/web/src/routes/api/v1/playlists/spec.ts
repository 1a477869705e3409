import { z } from 'zod';
import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';
import {
	playlistItemInput,
	playlistItemJsonSchema,
	playlistJsonSchema,
	playlistNameInput,
	playlistOrderInput
} from '$lib/server/library/playlists';

const ids = uuidParams('id', 'itemId');

const one = '/api/v1/playlists/{id}';
const playlistBody = z.object({ playlist: playlistJsonSchema });
const items = z.array(playlistItemJsonSchema);
const notYours = { description: 'Missing or not your playlist' };

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/playlists',
		summary: 'Your playlists, most recently changed first',
		auth: true,
		responses: {
			200: {
				description: 'Playlists',
				schema: z.object({ playlists: z.array(playlistJsonSchema) })
			},
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/playlists',
		summary: 'Create a playlist (name: 1..100 characters after trimming)',
		auth: true,
		body: playlistNameInput,
		responses: {
			201: { description: 'Created', schema: playlistBody },
			400: { description: 'Invalid name' },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'GET',
		path: one,
		summary: 'A playlist and its items by position',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Playlist', schema: z.object({ playlist: playlistJsonSchema, items }) },
			404: notYours
		}
	},
	{
		method: 'PATCH',
		path: one,
		summary: 'Rename a playlist',
		auth: true,
		params: ids,
		body: playlistNameInput,
		responses: {
			200: { description: 'Renamed', schema: playlistBody },
			400: { description: 'Invalid name' },
			404: notYours
		}
	},
	{
		method: 'DELETE',
		path: one,
		summary: 'Delete a playlist (not its tracks)',
		auth: true,
		params: ids,
		responses: { 204: { description: 'Deleted' }, 404: notYours }
	},
	{
		method: 'POST',
		path: `${one}/items`,
		summary: 'Append a track you may see',
		auth: true,
		params: ids,
		body: playlistItemInput,
		responses: {
			201: { description: 'Added', schema: z.object({ item: playlistItemJsonSchema }) },
			400: { description: 'Invalid input' },
			404: { description: 'Playlist not yours, or track missing or not visible' }
		}
	},
	{
		method: 'DELETE',
		path: `${one}/items/{itemId}`,
		summary: 'Remove one item; the others keep their order',
		auth: true,
		params: ids,
		responses: { 204: { description: 'Removed' }, 404: { description: 'No such item of yours' } }
	},
	{
		method: 'PUT',
		path: `${one}/order`,
		summary: 'Reorder: itemIds must be exactly a permutation of the current item ids',
		auth: true,
		params: ids,
		body: playlistOrderInput,
		responses: {
			200: { description: 'New order', schema: z.object({ items }) },
			400: { description: 'Invalid input' },
			404: notYours,
			409: { description: 'Not a permutation of the current items' }
		}
	}
);
