import { REDACT_PATHS } from '@chorus/ops';
import pino from 'pino';

export type Logger = pino.Logger;

/** The service's root logger (stdout unless a destination is given, as tests do). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
	return pino(
		{
			name: 'realtime',
			level,
			// Never log credentials, even by accident through a request object.
			redact: REDACT_PATHS
		},
		destination
	);
}
