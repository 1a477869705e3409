// schema.prisma (client) vs prisma/migrations (database) must agree; see scripts/lib/schema-drift.ts.
// Negative cases run their DDL in a transaction that is rolled back, so one database serves all.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbmate } from '../scripts/lib/migrate.ts';
import { testDatabase, type Database } from '../scripts/lib/postgres.ts';
import {
	actualSchema,
	checkDrift,
	defaultSchemaPath,
	diffSchemas,
	expectedSchema,
	type SchemaShape
} from '../scripts/lib/schema-drift.ts';

let db: Database | undefined;
let client: pg.Client | undefined;
let schemaText = '';
let expected: SchemaShape;

beforeAll(async () => {
	schemaText = await readFile(defaultSchemaPath, 'utf8');
	expected = expectedSchema(schemaText);
	db = await testDatabase('drift');
	await dbmate(db.url, ['up'], true);
	client = new pg.Client({ connectionString: db.url });
	await client.connect();
});

afterAll(async () => {
	await client?.end();
	await db?.stop();
});

function connection(): pg.Client {
	if (!client) throw new Error('beforeAll did not connect');
	return client;
}

/** The drift seen after running `sql` in a transaction that is then rolled back. */
async function driftAfter(sql: string, schema: SchemaShape = expected): Promise<string[]> {
	const c = connection();
	await c.query('BEGIN');
	try {
		await c.query(sql);
		return diffSchemas(schema, await actualSchema(c));
	} finally {
		await c.query('ROLLBACK');
	}
}

const report = (drift: string[]) => `schema drift:\n  ${drift.join('\n  ')}`;

describe('schema drift', () => {
	it('schema.prisma agrees with the migrated database', async () => {
		if (!db) throw new Error('no database');
		const drift = await checkDrift(db.url);
		expect(drift, report(drift)).toEqual([]);
	});

	it.each([
		{
			name: '(a) a dropped column',
			sql: 'ALTER TABLE sessions DROP COLUMN ip',
			drift: ['sessions.ip: in schema.prisma but missing from the database']
		},
		{
			name: '(b) a changed column type',
			sql: 'ALTER TABLE sessions ALTER COLUMN expires_at TYPE timestamp',
			drift: [
				'sessions.expires_at: type timestamp(3) with time zone in schema.prisma, timestamp without time zone in database'
			]
		},
		{
			name: '(c) a dropped NOT NULL',
			sql: 'ALTER TABLE users ALTER COLUMN display_name DROP NOT NULL',
			drift: ['users.display_name: nullable in database, required in schema.prisma']
		},
		{
			name: '(c) an added NOT NULL',
			sql: 'ALTER TABLE sessions ALTER COLUMN user_agent SET NOT NULL',
			drift: ['sessions.user_agent: NOT NULL in database, optional in schema.prisma']
		},
		{
			name: '(d) the dropped unique constraint on users.email',
			sql: 'ALTER TABLE users DROP CONSTRAINT users_email_key',
			drift: [
				'users: unique (email) in schema.prisma has no unique constraint or index in the database'
			]
		},
		{
			name: '(e) an extra table',
			sql: 'CREATE TABLE foo (id integer PRIMARY KEY)',
			drift: ['table "foo" exists in the database but not in schema.prisma']
		},
		{
			name: 'an extra column',
			sql: 'ALTER TABLE users ADD COLUMN nickname text',
			drift: ['users.nickname: column exists in the database but not in schema.prisma']
		},
		{
			name: 'a dropped table',
			sql: 'DROP TABLE sessions',
			drift: ['table "sessions" is in schema.prisma but missing from the database']
		},
		{
			name: 'an undeclared unique constraint',
			sql: 'ALTER TABLE sessions ADD UNIQUE (user_id, secret_hash)',
			drift: [
				'sessions: unique (user_id, secret_hash) in the database is not declared in schema.prisma'
			]
		},
		{
			name: 'a dropped primary key',
			sql: 'ALTER TABLE sessions DROP CONSTRAINT sessions_pkey',
			drift: ['sessions: primary key (id) in schema.prisma, none in database']
		},
		{
			name: 'a dropped foreign key',
			sql: 'ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey',
			drift: [
				'sessions: foreign key (user_id) -> users (id) in schema.prisma is missing from the database'
			]
		},
		{
			name: 'a changed ON DELETE action',
			sql: `ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
				ALTER TABLE sessions ADD FOREIGN KEY (user_id) REFERENCES users (id)`,
			drift: [
				'sessions: foreign key (user_id) -> users (id): ON DELETE CASCADE in schema.prisma, NO ACTION in database'
			]
		},
		{
			name: 'a dropped @@index',
			sql: 'DROP INDEX sessions_user_id_idx',
			drift: ['sessions: index (user_id) in schema.prisma is missing from the database']
		},
		{
			name: 'an undeclared (partial) index',
			sql: 'CREATE INDEX ON sessions (expires_at) WHERE user_agent IS NULL',
			drift: [
				'sessions: index (expires_at) where (user_agent IS NULL) in the database is not declared in schema.prisma'
			]
		}
	])('detects $name', async ({ sql, drift }) => {
		expect(await driftAfter(sql)).toEqual(drift);
	});

	it('accepts a unique index in place of a unique constraint', async () => {
		const drift = await driftAfter(`ALTER TABLE users DROP CONSTRAINT users_email_key;
			CREATE UNIQUE INDEX users_email_idx ON users (email)`);
		expect(drift, report(drift)).toEqual([]);
	});

	it('(f) detects a model and a field that the database lacks', async () => {
		const edited = `${schemaText.replace(
			/^model User \{\n/m,
			'$&  driftProbe String @map("drift_probe")\n'
		)}
model DriftProbe {
  id Int @id

  @@map("drift_probes")
}
`;
		expect(edited).toContain('driftProbe');
		const drift = diffSchemas(expectedSchema(edited), await actualSchema(connection()));
		expect(drift).toEqual([
			'table "drift_probes" is in schema.prisma but missing from the database',
			'users.drift_probe: in schema.prisma but missing from the database'
		]);
	});

	describe('type mapping', () => {
		const zooSchema = `
enum Role {
  ADMIN
  MEMBER
}

enum Mood {
  happy
  sad

  @@map("mood")
}

model TypeZoo {
  a     String
  b     Int
  c     BigInt?
  d     Float?
  e     Decimal?
  f     Boolean?
  g     DateTime?
  h     Json?
  i     Bytes?
  j     String?   @db.VarChar(32)
  k     String?   @db.VarChar
  l     String?   @db.Char(2)
  m     String?   @db.Char
  n     Int?      @db.SmallInt
  o     Float?    @db.Real
  p     Decimal?  @db.Decimal(10, 2)
  q     DateTime? @db.Timestamp
  r     DateTime? @db.Timestamptz(6)
  s     DateTime? @db.Date
  t     DateTime? @db.Time(3)
  u     DateTime? @db.Timetz
  v     Json?     @db.Json
  w     String?   @db.Inet
  x     String?   @db.Xml
  y     Decimal?  @db.Money
  z     String?   @db.Bit(4)
  aa    String?   @db.VarBit(8)
  bb    String?   @db.Uuid
  serial Int      @default(autoincrement()) @map("serial_no")
  tags  String[]
  roles Role[]
  mood  Mood
  ints  Int[]

  @@id([a, b])
  @@unique([j, k])
  @@index([b, a(sort: Desc)])
  @@index([j], type: Hash)
  @@map("type_zoo")
}
`;
		// What Prisma Migrate would generate for zooSchema, written the way a hand migration would.
		const zooSql = (moodValues: string) => `
			CREATE TYPE "Role" AS ENUM ('ADMIN', 'MEMBER');
			CREATE TYPE mood AS ENUM (${moodValues});
			CREATE TABLE type_zoo (
				a text NOT NULL, b integer NOT NULL, c bigint, d double precision, e decimal(65, 30),
				f boolean, g timestamp(3), h jsonb, i bytea, j varchar(32), k varchar, l char(2),
				m char, n smallint, o real, p decimal(10, 2), q timestamp, r timestamptz(6), s date,
				t time(3), u timetz, v json, w inet, x xml, y money, z bit(4), aa varbit(8), bb uuid,
				serial_no serial, tags text[], roles "Role"[], mood mood NOT NULL, ints integer[],
				PRIMARY KEY (a, b),
				UNIQUE (j, k)
			);
			CREATE INDEX ON type_zoo (b, a DESC);
			CREATE INDEX ON type_zoo USING hash (j);`;

		it('maps every Prisma type as Prisma Migrate would', async () => {
			const drift = await driftAfter(
				zooSql(`'happy', 'sad'`),
				expectedSchema(schemaText + zooSchema)
			);
			expect(drift, report(drift)).toEqual([]);
		});

		it('detects enum and type differences', async () => {
			const edited = (schemaText + zooSchema)
				.replace('@db.VarChar(32)', '@db.VarChar(64)')
				.replace('ints  Int[]', 'ints  BigInt[]');
			const drift = await driftAfter(zooSql(`'happy', 'sad', 'meh'`), expectedSchema(edited));
			expect(drift).toEqual([
				'enum "mood": values (happy, sad) in schema.prisma, (happy, sad, meh) in database',
				'type_zoo.j: type character varying(64) in schema.prisma, character varying(32) in database',
				'type_zoo.ints: type bigint[] in schema.prisma, integer[] in database'
			]);
		});
	});

	it('reports an invalid schema.prisma', () => {
		expect(() => expectedSchema('model Broken {\n  id Int @id @nonsense\n}\n')).toThrow(
			/schema\.prisma is invalid: .*nonsense/s
		);
	});
});
