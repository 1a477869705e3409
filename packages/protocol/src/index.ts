export * from './ack.ts';
export * from './clock.ts';
export * from './events.ts';
export * from './notices.ts';
export * from './schemas.ts';
export * from './rooms.ts';
export * from './sync.ts';
export * from './urls.ts';
