import { performance } from 'node:perf_hooks';

/** Wall-clock ms with sub-millisecond precision (Date.now() is whole ms). */
export const serverNowMs = (): number => performance.timeOrigin + performance.now();
