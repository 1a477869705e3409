import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[\w-]{1,64}$/;

/** The caller's X-Request-Id when it is a short plain token (a proxy's), else a fresh one. */
export function requestIdFrom(incoming: string | string[] | null | undefined): string {
	return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
