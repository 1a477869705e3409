import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { devAddresses, lanHost, lanModeRequested, pickLanAddress } from './lan.ts';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
	address,
	netmask: '255.255.255.0',
	family: 'IPv4',
	mac: '00:00:00:00:00:00',
	internal,
	cidr: `${address}/24`
});
const v6 = (address: string): NetworkInterfaceInfo => ({
	address,
	netmask: 'ffff:ffff:ffff:ffff::',
	family: 'IPv6',
	mac: '00:00:00:00:00:00',
	internal: false,
	cidr: `${address}/64`,
	scopeid: 0
});

describe('pickLanAddress', () => {
	it('skips loopback, IPv6 and link-local addresses', () => {
		expect(
			pickLanAddress({
				lo: [v4('127.0.0.1', true)],
				eth0: [v6('fd00::2'), v4('169.254.10.1'), v4('192.0.2.2')]
			})
		).toBe('192.0.2.2');
	});

	it('prefers a physical adapter over container and VPN bridges, and private ranges', () => {
		expect(
			pickLanAddress({
				docker0: [v4('172.17.0.1')],
				tailscale0: [v4('100.64.0.7')],
				eth0: [v4('203.0.113.9')],
				wlan0: [v4('192.168.1.23')]
			})
		).toBe('192.168.1.23');
		expect(pickLanAddress({ docker0: [v4('172.17.0.1')], eth0: [v4('10.0.0.5')] })).toBe(
			'10.0.0.5'
		);
	});

	it('falls back to a virtual adapter, and is null with loopback only', () => {
		expect(pickLanAddress({ docker0: [v4('172.17.0.1')] })).toBe('172.17.0.1');
		expect(pickLanAddress({ lo: [v4('127.0.0.1', true)] })).toBeNull();
	});
});

describe('LAN mode options', () => {
	it('is asked for with --lan or CHORUS_LAN', () => {
		expect(lanModeRequested(['--lan'], {})).toBe(true);
		expect(lanModeRequested([], { CHORUS_LAN: '1' })).toBe(true);
		expect(lanModeRequested([], { CHORUS_LAN: 'TRUE' })).toBe(true);
		expect(lanModeRequested([], { CHORUS_LAN: '0' })).toBe(false);
		expect(lanModeRequested([], {})).toBe(false);
	});

	it('uses CHORUS_LAN_HOST over the picked address, and says what to do without either', () => {
		const ifaces = { eth0: [v4('192.168.0.4')] };
		expect(lanHost({ CHORUS_LAN_HOST: 'mybox.local' }, ifaces)).toBe('mybox.local');
		expect(lanHost({}, ifaces)).toBe('192.168.0.4');
		expect(() => lanHost({}, { lo: [v4('127.0.0.1', true)] })).toThrow(/CHORUS_LAN_HOST/);
	});
});

describe('devAddresses', () => {
	it('listens on loopback with localhost links by default', () => {
		expect(devAddresses({ lanHost: null, webPort: 5173 })).toEqual({
			webListenHost: 'localhost',
			webOrigin: 'http://localhost:5173',
			realtimeAllowedOrigins: ['http://localhost:5173']
		});
	});

	it('in LAN mode listens everywhere, links on the LAN address and still allows localhost', () => {
		expect(devAddresses({ lanHost: '192.168.1.23', webPort: 5173, origin: 'http://x' })).toEqual({
			webListenHost: '0.0.0.0',
			webOrigin: 'http://192.168.1.23:5173',
			realtimeAllowedOrigins: ['http://192.168.1.23:5173', 'http://localhost:5173']
		});
		expect(devAddresses({ lanHost: 'fd00::2', webPort: 80 }).webOrigin).toBe('http://[fd00::2]:80');
	});
});
