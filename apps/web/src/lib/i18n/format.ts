/**
 * Dates, numbers and durations through Intl, in the locale of this render. Paraglide's
 * getLocale() is the request's locale on the server (AsyncLocalStorage) and the server-rendered
 * <html lang> in the browser, so server and client print the same text (no hydration mismatch).
 * Plurals live in the messages themselves (messages/*.json, `plural` selectors: Russian has
 * one/few/many), which Paraglide compiles to Intl.PluralRules.
 */
import { getLocale } from '$lib/paraglide/runtime';
import * as intl from './intl';

export { formatDuration } from './intl';

type DateInput = Date | string | number;
export const formatDate = (d: DateInput) => intl.formatDate(getLocale(), d);
export const formatDateTime = (d: DateInput) => intl.formatDateTime(getLocale(), d);
export const formatTimeOfDay = (d: DateInput) => intl.formatTimeOfDay(getLocale(), d);
export const formatNumber = (n: number, options?: Intl.NumberFormatOptions) =>
	intl.formatNumber(getLocale(), n, options);
export const formatRelative = (d: DateInput) => intl.formatRelative(getLocale(), d);
