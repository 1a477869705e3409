import type { PublicUser } from '@chorus/protocol';
import { expect } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api, type ApiOptions } from './api-client.ts';

// Not a common password: sign-up refuses those.
export const PASSWORD = 'tidal-marmot-orchard-5';

export interface Person {
	cookie: string;
	email: string;
	user: PublicUser;
}

/** A fresh registered user (own address, so the sign-up limit is never reached). */
export async function person(displayName = 'Ann'): Promise<Person> {
	const email = uniqueEmail('room');
	const res = await api('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName }
	});
	expect(res.status).toBe(201);
	return { cookie: res.cookie!, email, user: res.body.user };
}

export const as = (p: { cookie: string } | null, opts: ApiOptions = {}): ApiOptions => ({
	...opts,
	cookie: p?.cookie ?? null
});

export interface RoomInfo {
	id: string;
	name: string;
	description: string;
	hostId: string | null;
	settings: Record<string, unknown>;
	createdAt: string;
}

export async function createRoom(
	host: Person,
	body: Record<string, unknown> = { name: 'Friday night' }
): Promise<RoomInfo> {
	const res = await api('/api/v1/rooms', as(host, { json: body }));
	expect(res.status).toBe(201);
	return res.body.room;
}

export interface CreatedInvite {
	id: string;
	url: string;
	token: string;
	expiresAt: string | null;
	maxUses: number | null;
}

export async function createInvite(
	by: Person,
	roomId: string,
	body: Record<string, unknown> = {}
): Promise<CreatedInvite> {
	const res = await api(`/api/v1/rooms/${roomId}/invites`, as(by, { json: body }));
	expect(res.status).toBe(201);
	return res.body.invite;
}

/** Accepts as a signed-in user. */
export const accept = (token: string, p: Person | null, opts: ApiOptions = {}) =>
	api(`/api/v1/invites/${token}/accept`, as(p, { method: 'POST', ...opts }));

/** Accepts anonymously as a guest. */
export const joinAsGuest = (token: string, displayName: string, opts: ApiOptions = {}) =>
	api(`/api/v1/invites/${token}/accept`, { json: { displayName }, ...opts });

/** A room with a host and a listener who joined through an invite. */
export async function roomWithListener() {
	const host = await person('Host');
	const listener = await person('Listener');
	const room = await createRoom(host);
	const invite = await createInvite(host, room.id);
	expect((await accept(invite.token, listener)).status).toBe(200);
	return { host, listener, room };
}
