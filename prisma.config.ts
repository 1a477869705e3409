import { defineConfig } from 'prisma/config';

// Migrations are plain SQL applied by dbmate (see scripts/migrate.ts); the Prisma CLI is only
// used to generate the client, which needs no database connection.
export default defineConfig({
	schema: 'prisma/schema.prisma',
	migrations: { path: 'prisma/migrations' }
});
