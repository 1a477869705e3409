import { describe, expect, it } from 'vitest';
import {
	changeEmail,
	emailChangeRequested,
	passwordChanged,
	recoveryCodeUsed,
	resetPassword,
	verifyEmail
} from './templates.ts';

const LINK = 'https://chorus.example/reset-password?token=abc_DEF-123&x=1';

describe('mail templates', () => {
	it.each([
		['verify', verifyEmail('Mia', LINK)],
		['reset', resetPassword('Mia', LINK)],
		['change', changeEmail('Mia', 'new@example.com', LINK)]
	])('%s: the same link in the text and the HTML part', (_, mail) => {
		expect(mail.subject).not.toBe('');
		expect(mail.text).toContain(LINK);
		expect(mail.html).toContain(
			'href="https://chorus.example/reset-password?token=abc_DEF-123&amp;x=1"'
		);
	});

	it('escapes what users control in the HTML part', () => {
		const mail = changeEmail('<script>alert(1)</script>', '"a"@b.c', LINK);
		expect(mail.html).not.toContain('<script>');
		expect(mail.html).toContain('&lt;script&gt;');
		expect(mail.html).toContain('&quot;a&quot;@b.c');
	});

	it('notices (change to the old address, password changed) carry no link', () => {
		for (const mail of [emailChangeRequested('Mia', 'new@example.com'), passwordChanged('Mia')]) {
			expect(mail.text).not.toMatch(/https?:/);
			expect(mail.html).not.toContain('href');
		}
		expect(emailChangeRequested('Mia', 'new@example.com').text).toContain('new@example.com');
	});
});

describe('mail in Russian', () => {
	it('is written in the recipient language, plurals included', () => {
		expect(verifyEmail('Маша', LINK, 'ru').subject).toBe(
			'Подтвердите адрес электронной почты в Chorus'
		);
		expect(recoveryCodeUsed('Маша', 1, LINK, 'ru').text).toContain('Остался 1 код.');
		expect(recoveryCodeUsed('Маша', 3, LINK, 'ru').text).toContain('Осталось 3 кода.');
		expect(recoveryCodeUsed('Маша', 7, LINK, 'ru').text).toContain('Осталось 7 кодов.');
		expect(resetPassword('Mia', LINK, null).subject).toBe('Reset your Chorus password');
	});
});
