import { redirect } from '@sveltejs/kit';
import { formAction } from '$lib/server/forms';
import { createRoom, createRoomInput, listMyRooms } from '$lib/server/rooms/rooms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login?redirectTo=/rooms');
	return { rooms: await listMyRooms(locals.user) };
};

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/rooms');
		const result = await formAction(
			request,
			createRoomInput,
			async (input) => (await createRoom(user, input)).id,
			['name', 'description']
		);
		if (typeof result !== 'string') return result;
		redirect(303, `/rooms/${result}`);
	}
};
