import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';

const provider = z.enum(['github', 'google', 'spotify', 'yandex', 'vk']);

export const connectionsBody = z.object({
	hasPassword: z.boolean(),
	identities: z.array(
		z.object({
			provider,
			label: z.string(),
			enabled: z.boolean(),
			linked: z.object({ email: z.string().nullable(), linkedAt: z.string() }).nullable()
		})
	),
	services: z.array(
		z.object({
			provider,
			label: z.string(),
			enabled: z.boolean(),
			linked: z
				.object({
					providerUserId: z.string(),
					displayName: z.string().nullable(),
					scopes: z.array(z.string()),
					linkedAt: z.string()
				})
				.nullable()
		})
	)
});

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/me/connections',
		summary: 'Your sign-in identities (GitHub, Google) and streaming services, without tokens',
		auth: true,
		responses: {
			200: { description: 'Connections', schema: connectionsBody },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'DELETE',
		path: '/api/v1/me/connections/{provider}',
		summary: 'Unlink a sign-in identity or disconnect a streaming service',
		auth: true,
		params: z.object({ provider }),
		responses: {
			204: { description: 'Unlinked (streaming tokens deleted, revoked where possible)' },
			401: { description: 'Not signed in' },
			404: { description: 'Not linked' },
			409: { description: 'It is the last way to sign in to the account' }
		}
	},
	{
		method: 'GET',
		path: '/api/v1/me/connections/{provider}/profile',
		summary: "A streaming service's profile of you, fetched with a fresh (refreshed) token",
		auth: true,
		params: z.object({ provider }),
		responses: {
			200: { description: 'The provider profile', schema: z.object({ profile: z.unknown() }) },
			401: { description: 'Not signed in' },
			404: { description: 'Not connected' },
			409: { description: 'Access expired and cannot be renewed: reconnect' },
			503: { description: 'The provider did not answer or refused to renew access' }
		}
	}
);
