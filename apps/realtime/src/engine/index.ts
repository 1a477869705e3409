// The engine's public surface: slices and the socket layer import from here only.
export { Engine, type EngineDeps } from './engine.ts';
export { serverNowMs } from './clock.ts';
export type { Committed, Deliver, Hook, MutationCtx, Render } from './mutations.ts';
export { forbidden } from './mutations.ts';
export { loadRoom, type MemberRow, type RoomRow } from './mutations.store.ts';
export { publishRoomInfo } from './room-info.ts';
export type { Notices } from './notices.ts';
export * from './types.ts';
