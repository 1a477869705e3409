// LAN mode of `pnpm dev` (`pnpm dev --lan` or CHORUS_LAN=1): the web app listens on every
// interface and the app's public origin — invite links, QR codes, mail links, the CSRF and socket
// origin checks — is this machine's LAN address, so a phone on the same Wi-Fi can join.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

// Virtual adapters (containers, VMs, VPNs) are not what a phone on the Wi-Fi can reach.
const VIRTUAL_INTERFACE =
	/^(docker|br-|veth|virbr|vboxnet|vmnet|podman|cni|flannel|lxc|lxd|zt|tailscale|utun|tun|tap|wg)/i;

/** Higher is likelier to be the home network: 192.168/16, then 10/8, then 172.16/12, then the rest. */
function rank(address: string): number {
	if (address.startsWith('192.168.')) return 3;
	if (address.startsWith('10.')) return 2;
	if (/^172\.(1[6-9]|2\d|3[01])\./.test(address)) return 1;
	return 0;
}

/**
 * The machine's LAN IPv4 address: a non-internal, non-link-local IPv4 address, on a physical
 * adapter when there is one, private ranges first. Null when the machine has none.
 */
export function pickLanAddress(interfaces: Interfaces = networkInterfaces()): string | null {
	const candidates = Object.entries(interfaces).flatMap(([name, infos]) =>
		(infos ?? [])
			.filter((i) => i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'))
			.map((i) => ({ address: i.address, virtual: VIRTUAL_INTERFACE.test(name) }))
	);
	candidates.sort(
		(a, b) => Number(a.virtual) - Number(b.virtual) || rank(b.address) - rank(a.address)
	);
	return candidates[0]?.address ?? null;
}

/** `pnpm dev --lan`, or CHORUS_LAN=1 / true (e.g. in .env). */
export function lanModeRequested(argv: string[], env: NodeJS.ProcessEnv): boolean {
	return argv.includes('--lan') || ['1', 'true'].includes(env.CHORUS_LAN?.toLowerCase() ?? '');
}

/** CHORUS_LAN_HOST (an address or a name such as `mybox.local`) or the picked LAN address. */
export function lanHost(env: NodeJS.ProcessEnv, interfaces?: Interfaces): string {
	const host = env.CHORUS_LAN_HOST?.trim() || pickLanAddress(interfaces);
	if (!host)
		throw new Error(
			'LAN mode: this machine has no non-loopback IPv4 address; connect to a network or set CHORUS_LAN_HOST'
		);
	return host;
}

export interface DevAddresses {
	/** Where the web app (Vite) listens: every interface in LAN mode, else loopback. */
	webListenHost: string;
	/** The app's public origin: ORIGIN of the web app, and the base of every link it builds. */
	webOrigin: string;
	/** Browser origins the realtime service accepts (its proxied sockets keep the page's Origin). */
	realtimeAllowedOrigins: string[];
}

const httpOrigin = (host: string, port: number) =>
	`http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Addresses of a dev run. In LAN mode the LAN origin is the public one, and the localhost origin
 * stays allowed so this machine's own browser keeps working on http://localhost.
 */
export function devAddresses(opts: {
	lanHost: string | null;
	webPort: number;
	origin?: string;
}): DevAddresses {
	const local = httpOrigin('localhost', opts.webPort);
	if (!opts.lanHost) {
		const webOrigin = opts.origin ?? local;
		return {
			webListenHost: 'localhost',
			webOrigin,
			realtimeAllowedOrigins: [...new Set([webOrigin, local])]
		};
	}
	const webOrigin = httpOrigin(opts.lanHost, opts.webPort);
	return { webListenHost: '0.0.0.0', webOrigin, realtimeAllowedOrigins: [webOrigin, local] };
}
