import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
	return pino({
		name: 'realtime',
		level,
		// Never log credentials, even by accident through a request object.
		redact: ['req.headers.cookie', 'headers.cookie', '*.token', 'token']
	});
}
