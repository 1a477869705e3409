export * from './password.ts';
export * from './sessions.ts';
export * from './tokens.ts';
export * from './seal.ts';
