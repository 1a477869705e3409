import type { SessionUser } from '@chorus/auth';
import { error, redirect, type Handle, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isApiRequest } from '../admin/paths.ts';
import { ApiError } from '../api/errors.ts';
import { errorResponse } from '../api/http.ts';
import { getDb } from '../db.ts';
import { memberOfRoomWithTrack } from '../rooms/access.ts';
import { GUEST_ROUTES, type GuestRule } from './guest-policy.ts';

// Enforces guest-policy.ts: runs after `auth` for every request of a guest session.

export const GUEST_FORBIDDEN_MESSAGE =
	'Guests can use the rooms they joined; claim an account for the rest of Chorus';

interface GuestRequest {
	user: SessionUser;
	method: string;
	url: URL;
	params: Partial<Record<string, string>>;
}

const isUuid = (s: string | null | undefined): s is string => z.uuid().safeParse(s).success;
const reading = ({ method }: GuestRequest) => method === 'GET' || method === 'HEAD';

/** A page's form action, from `?/name` (SvelteKit's convention); null for the default one. */
function formActionOf(url: URL): string | null {
	for (const key of url.searchParams.keys()) if (key.startsWith('/')) return key.slice(1);
	return null;
}

/** Whether the guest is in an open room (this one, if given) that lets guests add from the library. */
async function inRoomAddingFromLibrary(userId: string, roomId?: string): Promise<boolean> {
	const member = await getDb().roomMember.findFirst({
		where: {
			userId,
			...(roomId && { roomId }),
			room: { closedAt: null, guestsAddFromLibrary: true }
		},
		select: { roomId: true }
	});
	return member !== null;
}

const roomTrack = async (r: GuestRequest) =>
	reading(r) && isUuid(r.params.id) && (await memberOfRoomWithTrack(r.user.id, r.params.id));

const CHECKS: Record<GuestRule, (r: GuestRequest) => boolean | Promise<boolean>> = {
	allow: () => true,
	refuse: () => false,
	read: reading,
	'room-track': roomTrack,
	'room-track-or-adding-cover': async (r) =>
		(await roomTrack(r)) || (reading(r) && (await inRoomAddingFromLibrary(r.user.id))),
	'search-for-adding': async (r) => {
		const roomId = r.url.searchParams.get('room');
		return reading(r) && isUuid(roomId) && (await inRoomAddingFromLibrary(r.user.id, roomId));
	},
	'name-and-claim': (r) =>
		reading(r) ||
		r.method === 'PATCH' ||
		['displayName', 'claim'].includes(formActionOf(r.url) ?? '')
};

/** Whether a guest may make this request; a route missing from the policy is refused. */
export async function guestMay(routeId: string | null, r: GuestRequest): Promise<boolean> {
	// No route matched: SvelteKit answers 404 and nothing is exposed.
	if (routeId === null) return true;
	const rule = GUEST_ROUTES[routeId];
	return rule !== undefined && (await CHECKS[rule](r));
}

/** Where a guest goes from pages they may not see: the room they joined last. */
async function latestRoomOf(userId: string): Promise<string | null> {
	const m = await getDb().roomMember.findFirst({
		where: { userId, room: { closedAt: null } },
		orderBy: { joinedAt: 'desc' },
		select: { roomId: true }
	});
	return m?.roomId ?? null;
}

async function refuse(event: RequestEvent, user: SessionUser): Promise<Response> {
	const { url, request } = event;
	if (isApiRequest(event.route.id, url.pathname)) {
		return errorResponse(new ApiError(403, 'GUEST_FORBIDDEN', GUEST_FORBIDDEN_MESSAGE));
	}
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		return new Response(GUEST_FORBIDDEN_MESSAGE, {
			status: 403,
			headers: { 'content-type': 'text/plain' }
		});
	}
	const roomId = await latestRoomOf(user.id);
	if (roomId) redirect(303, `/rooms/${roomId}`);
	error(403, GUEST_FORBIDDEN_MESSAGE);
}

export const guestGate: Handle = async ({ event, resolve }) => {
	const user = event.locals.user;
	if (!user?.isGuest) return resolve(event);
	const allowed = await guestMay(event.route.id, {
		user,
		method: event.request.method,
		url: event.url,
		params: event.params
	});
	return allowed ? resolve(event) : refuse(event, user);
};
