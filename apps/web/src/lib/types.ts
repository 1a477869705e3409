// Types shared by pages and components; type-only, so no server code reaches the browser.
export type { TrackJson as Track } from './server/library/tracks.ts';
export type { CreatedInvite, InviteSummary } from './server/rooms/invites.ts';
