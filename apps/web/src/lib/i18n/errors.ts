/**
 * The words shown for an API or socket error (`{ code, message }`). In English the server's own
 * message is kept (it is often more specific than the code); in other languages the code picks
 * a translated message, and an unknown code falls back to the server's English text.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

const BY_CODE: Record<string, () => string> = {
	VALIDATION: m.err_VALIDATION,
	UNAUTHENTICATED: m.err_UNAUTHENTICATED,
	INVALID_CREDENTIALS: m.err_INVALID_CREDENTIALS,
	FORBIDDEN: m.err_FORBIDDEN,
	NOT_FOUND: m.err_NOT_FOUND,
	EMAIL_TAKEN: m.err_EMAIL_TAKEN,
	CONFLICT: m.err_CONFLICT,
	STALE: m.err_STALE,
	GONE: m.err_GONE,
	PAYLOAD_TOO_LARGE: m.err_PAYLOAD_TOO_LARGE,
	UNSUPPORTED_MEDIA_TYPE: m.err_UNSUPPORTED_MEDIA_TYPE,
	QUOTA_EXCEEDED: m.err_QUOTA_EXCEEDED,
	UNPROCESSABLE: m.err_UNPROCESSABLE,
	WEAK_PASSWORD: m.err_WEAK_PASSWORD,
	RATE_LIMITED: m.err_RATE_LIMITED,
	UNAVAILABLE: m.err_UNAVAILABLE,
	INTERNAL: m.err_INTERNAL,
	TWO_FACTOR_REQUIRED: m.err_TWO_FACTOR_REQUIRED,
	INVALID_CODE: m.err_INVALID_CODE,
	INVALID_TOKEN: m.err_INVALID_TOKEN,
	OAUTH_FAILED: m.err_OAUTH_FAILED,
	NOT_CONFIGURED: m.err_NOT_CONFIGURED,
	REGISTRATION_CLOSED: m.err_REGISTRATION_CLOSED,
	ACCOUNT_DISABLED: m.err_ACCOUNT_DISABLED,
	GUEST_FORBIDDEN: m.err_GUEST_FORBIDDEN
};

export function errorText(error: { code?: string; message: string }): string;
export function errorText(
	error: { code?: string; message?: string } | null | undefined
): string | undefined;
export function errorText(error: { code?: string; message?: string } | null | undefined) {
	if (!error) return undefined;
	if (getLocale() === 'en') return error.message;
	const translated = error.code ? BY_CODE[error.code] : undefined;
	return translated ? translated() : error.message;
}
