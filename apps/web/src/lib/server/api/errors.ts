export type ApiErrorCode =
	| 'VALIDATION'
	| 'UNAUTHENTICATED'
	| 'INVALID_CREDENTIALS'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'METHOD_NOT_ALLOWED'
	| 'EMAIL_TAKEN'
	| 'CONFLICT'
	| 'GONE'
	| 'UNSUPPORTED_MEDIA_TYPE'
	| 'PAYLOAD_TOO_LARGE'
	| 'QUOTA_EXCEEDED'
	| 'UNPROCESSABLE'
	| 'WEAK_PASSWORD'
	| 'RANGE_NOT_SATISFIABLE'
	| 'RATE_LIMITED'
	| 'UNAVAILABLE'
	| 'INTERNAL'
	// accounts: second factor, emailed tokens, OAuth
	| 'TWO_FACTOR_REQUIRED'
	| 'INVALID_CODE'
	| 'INVALID_TOKEN'
	| 'OAUTH_FAILED'
	| 'NOT_CONFIGURED'
	// instance administration
	| 'REGISTRATION_CLOSED'
	| 'ACCOUNT_DISABLED'
	// guests (joined by invite link) reach only their rooms
	| 'GUEST_FORBIDDEN';

export interface ApiIssue {
	path: (string | number)[];
	message: string;
}

/** An error with a status and a stable code, rendered as `{ error: { code, message } }`. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: ApiErrorCode,
		message: string,
		readonly headers: Record<string, string> = {},
		readonly issues?: ApiIssue[]
	) {
		super(message);
		this.name = 'ApiError';
	}
}
