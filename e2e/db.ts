// The throwaway database of the running e2e servers (written by serve.ts), for the few specs
// that must change what the API cannot, such as moving an invite's expiry into the past.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const E2E_DATABASE_URL_FILE = fileURLToPath(
	new URL('./.runtime/database-url', import.meta.url)
);

export async function e2eSql(sql: string, params: unknown[] = []): Promise<void> {
	const client = new pg.Client({ connectionString: readFileSync(E2E_DATABASE_URL_FILE, 'utf8') });
	await client.connect();
	try {
		await client.query(sql, params);
	} finally {
		await client.end();
	}
}
