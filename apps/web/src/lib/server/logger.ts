import { REDACT_PATHS } from '@chorus/ops';
import pino from 'pino';
import { getEnv } from './env.ts';

let root: pino.Logger | undefined;

/** One child logger per module. Cookies and tokens are redacted wherever they appear. */
export function logger(module: string): pino.Logger {
	root ??= pino({ name: 'web', level: getEnv().LOG_LEVEL, redact: REDACT_PATHS });
	return root.child({ module });
}
