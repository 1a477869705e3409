import { json } from '@sveltejs/kit';

/** The process answers: nothing else is checked (a dead dependency is readyz's business). */
export const GET = () => json({ status: 'ok' });
