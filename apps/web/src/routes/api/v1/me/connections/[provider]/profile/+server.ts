import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { fetchStreamingProfile } from '$lib/server/auth/oauth/service';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json({ profile: await fetchStreamingProfile(user.id, event.params.provider ?? '') });
});

export const fallback = methodNotAllowed;
