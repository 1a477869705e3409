import { describe, expect, inject, it } from 'vitest';
import { waitForMail } from '../../../tests/mail-catcher.ts';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import { PASSWORD, register, testDb } from './email-client.ts';

const COOKIE = 'PARAGLIDE_LOCALE';
const page = (path: string, headers: Record<string, string> = {}, cookie?: string) =>
	api<string>(path, { headers, cookie });
const htmlLang = (html: string) => html.match(/<html lang="([^"]+)"/)?.[1];

/** The `name=value` of a Set-Cookie for `name` in a response, if any. */
function setCookie(headers: Headers, name: string): string | undefined {
	return headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith(`${name}=`));
}

describe('language of a page', () => {
	it('follows Accept-Language: Russian text and <html lang="ru">', async () => {
		const res = await page('/login', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' });
		expect(res.status).toBe(200);
		expect(htmlLang(res.body)).toBe('ru');
		expect(res.body).toContain('<h1>Вход</h1>');
		expect(res.body).toContain('Забыли пароль?');
		expect(res.body).not.toContain('Forgot password?');
	});

	it('is English for English browsers and for unknown languages', async () => {
		for (const lang of ['en-US,en;q=0.9', 'de-DE', '']) {
			const res = await page('/login', lang ? { 'accept-language': lang } : {});
			expect(htmlLang(res.body)).toBe('en');
			expect(res.body).toContain('Forgot password?');
		}
	});

	it('the switcher cookie wins over the header', async () => {
		const res = await page('/login', { 'accept-language': 'ru' }, `${COOKIE}=en`);
		expect(htmlLang(res.body)).toBe('en');
		const ru = await page('/login', { 'accept-language': 'en-US' }, `${COOKIE}=ru`);
		expect(htmlLang(ru.body)).toBe('ru');
	});

	it('switching (a form POST) sets the cookie and goes back to the page', async () => {
		const form = new URLSearchParams({ locale: 'ru', redirectTo: '/forgot-password' });
		const res = await api('/locale', {
			body: form,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/forgot-password');
		expect(setCookie(res.headers, COOKIE)).toBe(`${COOKIE}=ru`);
		// Only paths of this site.
		const away = await api('/locale', {
			body: new URLSearchParams({ locale: 'en', redirectTo: '//evil.example/' }),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(away.headers.get('location')).toBe('/');
		const bad = await api('/locale', {
			body: new URLSearchParams({ locale: 'xx' }),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(bad.status).toBe(400);
	});

	it("a signed-in person's saved language wins over cookie and header, and is saved by the switcher", async () => {
		const { cookie, user } = await register('locale');
		const switched = await api('/locale', {
			body: new URLSearchParams({ locale: 'ru', redirectTo: '/' }),
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			cookie
		});
		expect(switched.status).toBe(303);
		expect((await testDb().user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe('ru');

		// Another browser: English cookie and header, but the account says Russian.
		const res = await page('/rooms', { 'accept-language': 'en-US' }, `${cookie}; ${COOKIE}=en`);
		expect(res.status).toBe(200);
		expect(htmlLang(res.body)).toBe('ru');
		expect(res.body).toContain('Комнаты');
		// ...and that browser's cookie follows, so its client render agrees.
		expect(setCookie(res.headers, COOKIE)).toBe(`${COOKIE}=ru`);
	});

	it('form errors come back in the language of the page', async () => {
		const res = await api('/login', {
			body: new URLSearchParams({ email: uniqueEmail('nobody'), password: PASSWORD }),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'accept-language': 'ru',
				accept: 'application/json',
				'x-sveltekit-action': 'true'
			}
		});
		expect(JSON.stringify(res.body)).toContain('Неверный адрес почты или пароль');
	});
});

describe('mail in the recipient language', () => {
	it('an account made in Russian gets its verification mail in Russian', async () => {
		const email = uniqueEmail('ru');
		const since = Date.now();
		const res = await api('/api/v1/auth/register', {
			json: { email, password: PASSWORD, displayName: 'Маша' },
			headers: { 'accept-language': 'ru-RU' }
		});
		expect(res.status).toBe(201);
		const mail = await waitForMail(inject('mailDir'), {
			to: email,
			subject: /Подтвердите адрес электронной почты/,
			since
		});
		expect(mail.text).toContain('Здравствуйте, Маша!');
		expect(mail.html).toContain('Подтвердить адрес');
		const row = await testDb().user.findUniqueOrThrow({ where: { email } });
		expect(row.locale).toBe('ru');
	});

	it('an English account gets English mail', async () => {
		const { email, since } = await register('en');
		const mail = await waitForMail(inject('mailDir'), {
			to: email,
			subject: /Confirm your email address/,
			since
		});
		expect(mail.text).toContain('Hi Mia,');
	});
});
