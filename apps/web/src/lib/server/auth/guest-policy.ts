/**
 * What a guest (an account made from an invite link with only a display name) may use: the
 * rooms they are in and what those need, not the whole app. One allow-list keyed by route id,
 * enforced by guest-gate.ts for every request of a guest session, so a page or endpoint that
 * forgets to check is still closed to guests. Every route must be listed (an integration test
 * walks src/routes): a new route is refused to guests until it is classified here.
 *
 * The routes check their own rules as well (membership, room permissions, track access); this
 * wall only narrows who reaches them. Data only, so tests can read it.
 */
export const GUEST_RULES = {
	allow: 'any request',
	refuse: 'no request',
	read: 'GET and HEAD only',
	'room-track': 'GET of a track that is or was in the queue of one of their rooms',
	'room-track-or-adding-cover':
		'as room-track, or any cover while they are in a room that lets guests add from the library',
	'search-for-adding':
		'GET naming (?room=) one of their rooms that lets guests add from the library',
	'name-and-claim':
		'reading, and changing the display name or claiming the account (PATCH /api/v1/me, ?/displayName, ?/claim)'
} as const;
export type GuestRule = keyof typeof GUEST_RULES;

export const GUEST_ROUTES: Readonly<Record<string, GuestRule>> = {
	// ---- the room, and joining rooms ----
	'/rooms/[id]': 'allow',
	// Their rooms, to move between them; creating rooms is for accounts.
	'/rooms': 'read',
	'/invite/[token]': 'allow',
	'/api/v1/rooms': 'read',
	// The routes check membership and the room permission (a guest may be made co-host).
	'/api/v1/rooms/[id]': 'allow',
	'/api/v1/rooms/[id]/invites': 'allow',
	'/api/v1/rooms/[id]/invites/[inviteId]': 'allow',
	'/api/v1/rooms/[id]/tracks': 'allow',
	'/api/v1/invites/[token]': 'allow',
	'/api/v1/invites/[token]/accept': 'allow',
	'/api/v1/users/[id]/avatar': 'allow',
	'/api/v1/tracks/[id]/stream': 'room-track',
	'/api/v1/tracks/[id]/waveform': 'room-track',
	// Search results for adding show covers of tracks the room does not have yet.
	'/api/v1/tracks/[id]/cover': 'room-track-or-adding-cover',
	// Search for adding, from a room that allows it (AddTrack names the room).
	'/api/v1/search': 'search-for-adding',

	// ---- their account: the name, claiming it, signing out ----
	// The profile page, its name and claim forms (not the avatar).
	'/account': 'name-and-claim',
	'/api/v1/me': 'name-and-claim',
	'/api/v1/account/claim': 'allow',
	'/logout': 'allow',
	// The header's language switcher (a guest's choice is saved on the guest account too).
	'/locale': 'allow',
	'/api/v1/auth/logout': 'allow',

	// ---- signing in as someone else, and the public odds and ends ----
	'/login': 'allow',
	'/login/two-factor': 'allow',
	'/forgot-password': 'allow',
	'/reset-password': 'allow',
	'/verify-email': 'allow',
	'/api/v1/auth/login': 'allow',
	'/api/v1/auth/two-factor': 'allow',
	'/api/v1/auth/password-reset': 'allow',
	'/api/v1/auth/password-reset/check': 'allow',
	'/api/v1/auth/password-reset/confirm': 'allow',
	'/api/v1/auth/verify-email': 'allow',
	'/api/v1/health': 'allow',
	// Probes and metrics check their own access (token or loopback), not the session.
	'/livez': 'allow',
	'/readyz': 'allow',
	'/metrics': 'allow',
	'/api/v1/openapi.json': 'allow',
	// The API reference pages and the realtime protocol's AsyncAPI document: public.
	'/api/v1/asyncapi.json': 'allow',
	'/api/docs': 'allow',
	'/api/docs/realtime': 'allow',
	// The JSON 404 for unknown API paths.
	'/api/[...rest]': 'allow',
	// Development only (not built into production).
	'/dev/mailbox': 'allow',

	// ---- the rest of the app ----
	'/': 'refuse',
	'/library': 'refuse',
	'/upload': 'refuse',
	'/search': 'refuse',
	'/genres': 'refuse',
	'/albums/[id]': 'refuse',
	'/artists/[name]': 'refuse',
	'/tracks/[id]': 'refuse',
	'/playlists/[id]': 'refuse',
	'/register': 'refuse',
	'/auth/oauth/[provider]': 'refuse',
	'/auth/oauth/[provider]/callback': 'refuse',
	'/account/connections': 'refuse',
	'/account/delete': 'refuse',
	'/account/email': 'refuse',
	'/account/password': 'refuse',
	'/account/sessions': 'refuse',
	'/account/two-factor': 'refuse',
	'/admin': 'refuse',
	'/admin/audit': 'refuse',
	'/admin/tracks': 'refuse',
	'/admin/users': 'refuse',
	'/admin/users/[id]': 'refuse',
	'/api/v1/auth/register': 'refuse',
	'/api/v1/auth/verify-email/resend': 'refuse',
	'/api/v1/home': 'refuse',
	'/api/v1/genres': 'refuse',
	'/api/v1/albums/[id]': 'refuse',
	'/api/v1/artists/[name]': 'refuse',
	'/api/v1/search/suggest': 'refuse',
	'/api/v1/tracks': 'refuse',
	'/api/v1/tracks/[id]': 'refuse',
	'/api/v1/tracks/[id]/like': 'refuse',
	'/api/v1/tracks/[id]/plays': 'refuse',
	'/api/v1/plays/[id]/progress': 'refuse',
	'/api/v1/playlists': 'refuse',
	'/api/v1/playlists/[id]': 'refuse',
	'/api/v1/playlists/[id]/items': 'refuse',
	'/api/v1/playlists/[id]/items/[itemId]': 'refuse',
	'/api/v1/playlists/[id]/order': 'refuse',
	'/api/v1/me/avatar': 'refuse',
	'/api/v1/me/connections': 'refuse',
	'/api/v1/me/connections/[provider]': 'refuse',
	'/api/v1/me/connections/[provider]/profile': 'refuse',
	'/api/v1/me/email': 'refuse',
	'/api/v1/me/likes': 'refuse',
	'/api/v1/me/password': 'refuse',
	'/api/v1/me/sessions': 'refuse',
	'/api/v1/me/sessions/[id]': 'refuse',
	'/api/v1/me/sessions/revoke-all': 'refuse',
	'/api/v1/me/sessions/revoke-others': 'refuse',
	'/api/v1/me/two-factor': 'refuse',
	'/api/v1/me/two-factor/confirm': 'refuse',
	'/api/v1/me/two-factor/disable': 'refuse',
	'/api/v1/me/two-factor/recovery-codes': 'refuse',
	'/api/v1/me/two-factor/setup': 'refuse',
	'/api/v1/admin/audit': 'refuse',
	'/api/v1/admin/guests/cleanup': 'refuse',
	'/api/v1/admin/settings': 'refuse',
	'/api/v1/admin/storage': 'refuse',
	'/api/v1/admin/tracks': 'refuse',
	'/api/v1/admin/tracks/[id]/takedown': 'refuse',
	'/api/v1/admin/users': 'refuse',
	'/api/v1/admin/users/[id]': 'refuse'
};
