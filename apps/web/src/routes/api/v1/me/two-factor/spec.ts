import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { codeInput, secondFactorInput, setupInput } from '$lib/server/auth/two-factor';

const status = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() });
const recoveryCodes = z.object({
	recoveryCodes: z.array(z.string()).describe('One-time codes, shown only this once')
});

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/me/two-factor',
		summary: 'Whether two-factor authentication is on, and how many recovery codes are left',
		auth: true,
		responses: {
			200: { description: 'Status', schema: status },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/two-factor/setup',
		summary: 'Start enrolment: a new TOTP key (needs the current password, if the account has one)',
		auth: true,
		body: setupInput,
		bodyOptional: true,
		responses: {
			200: {
				description: 'The key, as an otpauth URI, base32 secret and QR code (SVG)',
				schema: z.object({ uri: z.string(), secret: z.string(), qrSvg: z.string() })
			},
			400: { description: 'Password missing' },
			401: { description: 'Not signed in, or wrong password' },
			409: { description: 'Already enabled' },
			429: { description: 'Too many wrong passwords' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/two-factor/confirm',
		summary:
			'Finish enrolment with a code from the app: turns 2FA on, signs other sessions out, returns recovery codes',
		auth: true,
		body: codeInput,
		responses: {
			200: { description: 'Enabled', schema: recoveryCodes },
			400: { description: 'Wrong code' },
			401: { description: 'Not signed in' },
			409: { description: 'No setup in progress, or already enabled' },
			429: { description: 'Too many wrong codes' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/two-factor/recovery-codes',
		summary: 'Replace the recovery codes (needs a current code from the app)',
		auth: true,
		body: codeInput,
		responses: {
			200: { description: 'New codes', schema: recoveryCodes },
			400: { description: 'Wrong code' },
			401: { description: 'Not signed in' },
			409: { description: 'Two-factor is off' },
			429: { description: 'Too many wrong codes' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/two-factor/disable',
		summary: 'Turn two-factor off (needs a current code or a recovery code)',
		auth: true,
		body: secondFactorInput,
		responses: {
			200: { description: 'Disabled', schema: status },
			400: { description: 'Wrong or missing code' },
			401: { description: 'Not signed in' },
			409: { description: 'Two-factor is off' },
			429: { description: 'Too many wrong codes' }
		}
	}
);
