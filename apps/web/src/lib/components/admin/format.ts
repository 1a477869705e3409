/** 1536 -> "1.5 KiB": storage sizes in binary units, as quotas are set. */
export function bytes(n: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
	let v = n;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
export const dateTime = (iso: string) => when.format(new Date(iso));

export const ACTION_LABELS: Record<string, string> = {
	'user.disable': 'Disabled account',
	'user.enable': 'Enabled account',
	'user.delete': 'Deleted account',
	'user.quota': 'Changed upload quota',
	'user.role': 'Changed admin role',
	'track.takedown': 'Took track down',
	'settings.registration': 'Changed registration mode',
	'guests.cleanup': 'Cleaned up guests'
};

export const MODE_LABELS: Record<string, string> = {
	open: 'Open — anyone can create an account',
	invite_only: 'Invite only — people join through room invite links',
	closed: 'Closed — no new accounts'
};
