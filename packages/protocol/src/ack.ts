import { z } from 'zod';

/** The closed set of error codes a socket ack may carry. */
export const ERROR_CODES = [
	'VALIDATION',
	'UNAUTHENTICATED',
	'FORBIDDEN',
	'NOT_FOUND',
	'CONFLICT',
	/** The command was based on a state the room has since left (e.g. a seek queued offline). */
	'STALE',
	'RATE_LIMITED',
	'UNAVAILABLE',
	'INTERNAL'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AckIssue {
	path: (string | number)[];
	message: string;
}

export interface AckError {
	code: ErrorCode;
	message: string;
	issues?: AckIssue[];
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (res: Ack<T>) => void;

export function ok<T>(data: T): Ack<T> {
	return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, issues?: AckIssue[]): Ack<never> {
	return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

/** Flattens zod issues into a serialisable list (no internals, no input echo). */
export function toIssues(error: z.ZodError): AckIssue[] {
	return error.issues.map((i) => ({
		path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
		message: i.message
	}));
}

/** Thrown by services; handlers turn it into `{ ok:false, error }`. */
export class AppError extends Error {
	readonly code: ErrorCode;
	constructor(code: ErrorCode, message: string) {
		super(message);
		this.name = 'AppError';
		this.code = code;
	}
}
