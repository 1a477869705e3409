import type { Mail } from './mailer.ts';

type Message = Omit<Mail, 'to'>;

const escapeHtml = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

/** Plain text and a minimal HTML version of the same words and link. */
function message(subject: string, lines: string[], link?: { href: string; label: string }) {
	const text = [...lines, ...(link ? ['', `${link.label}: ${link.href}`] : [])].join('\n');
	const html = [
		'<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
		...lines.map((l) => (l ? `<p>${escapeHtml(l)}</p>` : '')),
		link
			? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` +
				`<p style="color:#666;font-size:0.9em">${escapeHtml(link.href)}</p>`
			: '',
		'</body></html>'
	].join('\n');
	return { subject, text, html } satisfies Message;
}

const IGNORE = 'If you did not ask for this, you can ignore this message.';

export const verifyEmail = (displayName: string, link: string) =>
	message(
		'Confirm your email address for Chorus',
		[
			`Hi ${displayName},`,
			'',
			'Please confirm your email address. The link works once, for 24 hours.',
			IGNORE
		],
		{ href: link, label: 'Confirm email address' }
	);

export const resetPassword = (displayName: string, link: string) =>
	message(
		'Reset your Chorus password',
		[
			`Hi ${displayName},`,
			'',
			'Someone (hopefully you) asked to reset the password of your Chorus account. The link works once, for 15 minutes.',
			IGNORE
		],
		{ href: link, label: 'Choose a new password' }
	);

export const changeEmail = (displayName: string, newEmail: string, link: string) =>
	message(
		'Confirm your new email address for Chorus',
		[
			`Hi ${displayName},`,
			'',
			`Confirm that ${newEmail} should become the email address of your Chorus account. The link works once, for 24 hours.`,
			IGNORE
		],
		{ href: link, label: 'Confirm new email address' }
	);

export const emailChangeRequested = (displayName: string, newEmail: string) =>
	message('Your Chorus email address is being changed', [
		`Hi ${displayName},`,
		'',
		`Someone signed in to your Chorus account asked to change its email address to ${newEmail}. It changes only once that address confirms.`,
		'If this was not you, change your password and sign out your other sessions now.'
	]);

export const recoveryCodeUsed = (displayName: string, left: number, link: string) =>
	message(
		'A recovery code was used to sign in to Chorus',
		[
			`Hi ${displayName},`,
			'',
			`Someone just signed in to your Chorus account with one of your two-factor recovery codes. ${left} ${left === 1 ? 'code is' : 'codes are'} left.`,
			'If this was you and your authenticator app is gone, set two-factor up again on your new device, and make new recovery codes.',
			'If this was not you, reset your password, sign out your other sessions and make new recovery codes right away.'
		],
		{ href: link, label: 'Review two-factor settings' }
	);

export const passwordChanged = (displayName: string) =>
	message('Your Chorus password was changed', [
		`Hi ${displayName},`,
		'',
		'The password of your Chorus account was just reset with a link sent to this address, and every device was signed out.',
		'If this was not you, reset your password again right away and check the email address of your account.'
	]);
