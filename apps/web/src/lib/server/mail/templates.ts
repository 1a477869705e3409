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

type MailLocale = 'en' | 'ru';
/** The recipient's saved language (users.locale); English for anyone who has not chosen. */
const pick = (locale: string | null | undefined): MailLocale => (locale === 'ru' ? 'ru' : 'en');

// Mail is written on the server only, for one recipient in their language: the copy lives
// here as plain functions per language rather than in the page messages the browser loads.
const COPY = {
	en: {
		hi: (name: string) => `Hi ${name},`,
		ignore: 'If you did not ask for this, you can ignore this message.',
		verifySubject: 'Confirm your email address for Chorus',
		verifyBody: 'Please confirm your email address. The link works once, for 24 hours.',
		verifyLink: 'Confirm email address',
		resetSubject: 'Reset your Chorus password',
		resetBody:
			'Someone (hopefully you) asked to reset the password of your Chorus account. The link works once, for 15 minutes.',
		resetLink: 'Choose a new password',
		changeSubject: 'Confirm your new email address for Chorus',
		changeBody: (email: string) =>
			`Confirm that ${email} should become the email address of your Chorus account. The link works once, for 24 hours.`,
		changeLink: 'Confirm new email address',
		changeNoticeSubject: 'Your Chorus email address is being changed',
		changeNoticeBody: (email: string) =>
			`Someone signed in to your Chorus account asked to change its email address to ${email}. It changes only once that address confirms.`,
		changeNoticeAdvice:
			'If this was not you, change your password and sign out your other sessions now.',
		recoverySubject: 'A recovery code was used to sign in to Chorus',
		recoveryBody: (left: number) =>
			`Someone just signed in to your Chorus account with one of your two-factor recovery codes. ${left} ${left === 1 ? 'code is' : 'codes are'} left.`,
		recoveryYou:
			'If this was you and your authenticator app is gone, set two-factor up again on your new device, and make new recovery codes.',
		recoveryNotYou:
			'If this was not you, reset your password, sign out your other sessions and make new recovery codes right away.',
		recoveryLink: 'Review two-factor settings',
		passwordSubject: 'Your Chorus password was changed',
		passwordBody:
			'The password of your Chorus account was just reset with a link sent to this address, and every device was signed out.',
		passwordAdvice:
			'If this was not you, reset your password again right away and check the email address of your account.'
	},
	ru: {
		hi: (name: string) => `Здравствуйте, ${name}!`,
		ignore: 'Если вы об этом не просили, просто не обращайте внимания на это письмо.',
		verifySubject: 'Подтвердите адрес электронной почты в Chorus',
		verifyBody:
			'Пожалуйста, подтвердите адрес электронной почты. Ссылка сработает один раз и действует 24 часа.',
		verifyLink: 'Подтвердить адрес',
		resetSubject: 'Сброс пароля Chorus',
		resetBody:
			'Кто-то (надеемся, вы) попросил сбросить пароль вашего аккаунта Chorus. Ссылка сработает один раз и действует 15 минут.',
		resetLink: 'Задать новый пароль',
		changeSubject: 'Подтвердите новый адрес электронной почты в Chorus',
		changeBody: (email: string) =>
			`Подтвердите, что ${email} станет адресом электронной почты вашего аккаунта Chorus. Ссылка сработает один раз и действует 24 часа.`,
		changeLink: 'Подтвердить новый адрес',
		changeNoticeSubject: 'Адрес электронной почты вашего аккаунта Chorus меняется',
		changeNoticeBody: (email: string) =>
			`Кто-то, вошедший в ваш аккаунт Chorus, попросил сменить его адрес электронной почты на ${email}. Адрес сменится, только когда его подтвердят с нового адреса.`,
		changeNoticeAdvice:
			'Если это были не вы, смените пароль и завершите остальные сеансы прямо сейчас.',
		recoverySubject: 'Для входа в Chorus использован резервный код',
		recoveryBody: (left: number) => {
			const rule = new Intl.PluralRules('ru').select(left);
			const codes = rule === 'one' ? 'код' : rule === 'few' ? 'кода' : 'кодов';
			const left_ = rule === 'one' ? 'Остался' : 'Осталось';
			return `Только что в ваш аккаунт Chorus вошли с одним из резервных кодов двухфакторной аутентификации. ${left_} ${left} ${codes}.`;
		},
		recoveryYou:
			'Если это были вы и приложения-аутентификатора больше нет, заново настройте двухфакторную аутентификацию на новом устройстве и создайте новые резервные коды.',
		recoveryNotYou:
			'Если это были не вы, немедленно сбросьте пароль, завершите остальные сеансы и создайте новые резервные коды.',
		recoveryLink: 'Открыть настройки двухфакторной аутентификации',
		passwordSubject: 'Пароль Chorus изменён',
		passwordBody:
			'Пароль вашего аккаунта Chorus только что сброшен по ссылке, отправленной на этот адрес, и все устройства вышли из аккаунта.',
		passwordAdvice:
			'Если это были не вы, немедленно сбросьте пароль ещё раз и проверьте адрес электронной почты аккаунта.'
	}
} satisfies Record<MailLocale, unknown>;

type Locale = string | null | undefined;

export const verifyEmail = (displayName: string, link: string, locale?: Locale) => {
	const c = COPY[pick(locale)];
	return message(c.verifySubject, [c.hi(displayName), '', c.verifyBody, c.ignore], {
		href: link,
		label: c.verifyLink
	});
};

export const resetPassword = (displayName: string, link: string, locale?: Locale) => {
	const c = COPY[pick(locale)];
	return message(c.resetSubject, [c.hi(displayName), '', c.resetBody, c.ignore], {
		href: link,
		label: c.resetLink
	});
};

export const changeEmail = (
	displayName: string,
	newEmail: string,
	link: string,
	locale?: Locale
) => {
	const c = COPY[pick(locale)];
	return message(c.changeSubject, [c.hi(displayName), '', c.changeBody(newEmail), c.ignore], {
		href: link,
		label: c.changeLink
	});
};

export const emailChangeRequested = (displayName: string, newEmail: string, locale?: Locale) => {
	const c = COPY[pick(locale)];
	return message(c.changeNoticeSubject, [
		c.hi(displayName),
		'',
		c.changeNoticeBody(newEmail),
		c.changeNoticeAdvice
	]);
};

export const recoveryCodeUsed = (
	displayName: string,
	left: number,
	link: string,
	locale?: Locale
) => {
	const c = COPY[pick(locale)];
	return message(
		c.recoverySubject,
		[c.hi(displayName), '', c.recoveryBody(left), c.recoveryYou, c.recoveryNotYou],
		{ href: link, label: c.recoveryLink }
	);
};

export const passwordChanged = (displayName: string, locale?: Locale) => {
	const c = COPY[pick(locale)];
	return message(c.passwordSubject, [c.hi(displayName), '', c.passwordBody, c.passwordAdvice]);
};
