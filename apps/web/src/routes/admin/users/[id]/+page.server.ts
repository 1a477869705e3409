import { redirect } from '@sveltejs/kit';
import { listAudit } from '$lib/server/admin/audit';
import { noFields, quotaForm, takedownForm } from '$lib/server/admin/forms';
import { adminAction, adminForPage } from '$lib/server/admin/pages';
import { listTracks, takedownTrack } from '$lib/server/admin/tracks';
import { deleteUser, getUser, updateUser } from '$lib/server/admin/users';
import { getEnv } from '$lib/server/env';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = await adminForPage(event);
	const id = event.params.id;
	const user = await getUser(id).catch(() => null);
	if (!user) return { user: null, tracks: null, history: [], isSelf: false, defaultQuota: 0 };
	const [tracks, history] = await Promise.all([
		listTracks({ ownerId: id, page: 1 }),
		listAudit({ page: 1, targetId: id })
	]);
	return {
		user,
		tracks,
		history: history.entries,
		isSelf: actor.id === id,
		defaultQuota: getEnv().USER_QUOTA_BYTES
	};
};

export const actions: Actions = {
	disable: adminAction(noFields, async (actor, _input, { params }) => {
		await updateUser(actor, params.id!, { disabled: true });
		return { done: 'Account disabled: every session of it was signed out.' };
	}),
	enable: adminAction(noFields, async (actor, _input, { params }) => {
		await updateUser(actor, params.id!, { disabled: false });
		return { done: 'Account enabled.' };
	}),
	quota: adminAction(quotaForm, async (actor, { quotaMiB }, { params }) => {
		await updateUser(actor, params.id!, { uploadQuotaBytes: quotaMiB });
		return { done: 'Upload quota saved.' };
	}),
	grantAdmin: adminAction(noFields, async (actor, _input, { params }) => {
		await updateUser(actor, params.id!, { admin: true });
		return { done: 'Now an admin.' };
	}),
	revokeAdmin: adminAction(noFields, async (actor, _input, { params }) => {
		await updateUser(actor, params.id!, { admin: false });
		return { done: 'No longer an admin.' };
	}),
	takedown: adminAction(takedownForm, async (actor, { trackId, reason }) => {
		await takedownTrack(actor, trackId, { reason });
		return { done: 'Track removed for everyone.' };
	}),
	delete: adminAction(noFields, async (actor, _input, { params }) => {
		await deleteUser(actor, params.id!);
		redirect(303, '/admin/users?deleted=1');
	})
};
