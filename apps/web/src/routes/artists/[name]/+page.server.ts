import { getArtist } from '$lib/server/library/browse';
import { orPageError, requireSignIn } from '$lib/server/pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	return orPageError(event, () => getArtist(event.params.name, user.id));
};
