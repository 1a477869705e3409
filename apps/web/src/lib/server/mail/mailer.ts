import { dev } from '$app/environment';
import nodemailer, { type Transporter } from 'nodemailer';
import { getEnv } from '../env.ts';
import { logger } from '../logger.ts';

export interface Mail {
	to: string;
	subject: string;
	text: string;
	html: string;
}

export interface MailboxEntry extends Mail {
	id: number;
	sentAt: Date;
}

/** The development mailbox keeps this many messages, newest first. */
const DEV_MAILBOX_SIZE = 50;

const log = () => logger('mail');
let transport: Transporter | undefined;
const mailbox: MailboxEntry[] = [];
let nextId = 1;

/** `/dev/mailbox` exists only in development without a real SMTP server. */
export function devMailboxEnabled(): boolean {
	return dev && !getEnv().SMTP_URL;
}

/** Messages "sent" through the development mailbox, newest first. */
export function devMailbox(): readonly MailboxEntry[] {
	return mailbox;
}

/** Sends one message through SMTP_URL; without it, development keeps it in the dev mailbox. */
export async function sendMail(mail: Mail): Promise<void> {
	const env = getEnv();
	if (env.SMTP_URL) {
		transport ??= nodemailer.createTransport(env.SMTP_URL);
		await transport.sendMail({ from: env.MAIL_FROM, ...mail });
		log().info({ subject: mail.subject }, 'mail sent');
		return;
	}
	if (dev) {
		mailbox.unshift({ ...mail, id: nextId++, sentAt: new Date() });
		mailbox.length = Math.min(mailbox.length, DEV_MAILBOX_SIZE);
		// Development only: the log is the developer's mailbox, so the link (and its token) shows.
		log().info(
			{ to: mail.to, subject: mail.subject },
			`dev mail (see /dev/mailbox):\n${mail.text}`
		);
		return;
	}
	// Production without SMTP: say so, but never write the message (it holds a token) anywhere.
	log().warn({ subject: mail.subject }, 'SMTP_URL is not set: mail was not sent');
}

/**
 * Sends without making the request wait (or fail) on the mail server, and without timing that
 * depends on it: reset requests answer the same way whether or not a mail goes out.
 */
export function sendMailLater(mail: Mail): void {
	sendMail(mail).catch((err: unknown) =>
		log().error({ err, subject: mail.subject }, 'sending mail failed')
	);
}
