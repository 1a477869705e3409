// Schema drift check: prisma/schema.prisma drives the generated client, but the database is shaped
// by hand-written dbmate migrations (Prisma's schema engine is unavailable, so no
// `prisma migrate diff`). This compares the two shapes: tables, columns (type, nullability),
// enums, primary keys, unique constraints/indexes, @@index indexes and foreign keys.
// Defaults, check constraints, triggers and constraint/index names are not compared.
import { getDMMF, type GetDMMFError } from '@prisma/get-dmmf';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import pg from 'pg';

export interface ColumnShape {
	/** As PostgreSQL's format_type() prints it, e.g. `timestamp(3) with time zone`, `text[]`. */
	type: string;
	nullable: boolean;
}

export interface ForeignKeyShape {
	columns: string[];
	referencedTable: string;
	referencedColumns: string[];
	/** SQL referential actions; the schema side lists every action it accepts. */
	onDelete: string[];
	onUpdate: string[];
}

export interface TableShape {
	columns: Map<string, ColumnShape>;
	primaryKey: string[] | null;
	/** Column sets with a unique constraint or plain unique index (primary key excluded). */
	uniques: string[][];
	/** Every other index, described as e.g. `(user_id)`, `(a, b DESC) using hash`. */
	indexes: string[];
	foreignKeys: ForeignKeyShape[];
}

export interface SchemaShape {
	tables: Map<string, TableShape>;
	/** Enum type name -> labels in declaration order. */
	enums: Map<string, string[]>;
}

export const defaultSchemaPath = fileURLToPath(
	new URL('../../prisma/schema.prisma', import.meta.url)
);

/** dbmate's bookkeeping table. */
const ignoredTables = new Set(['schema_migrations']);
export const SQL_ONLY_INDEX = /_sql_idx$/;

type Document = Exclude<ReturnType<typeof getDMMF>, GetDMMFError>;
type Model = Document['datamodel']['models'][number];
type Field = Model['fields'][number];

const defaultTypes: Record<string, string> = {
	String: 'text',
	Int: 'integer',
	BigInt: 'bigint',
	Float: 'double precision',
	Decimal: 'numeric(65,30)',
	Boolean: 'boolean',
	DateTime: 'timestamp(3) without time zone',
	Json: 'jsonb',
	Bytes: 'bytea'
};

/** Prisma's @db.X(args) rendered the way format_type() prints the resulting column type. */
function nativeTypeSql(name: string, args: readonly string[]): string {
	const a = args.length ? `(${args.join(',')})` : '';
	switch (name) {
		case 'Char':
			return `character${a || '(1)'}`;
		case 'VarChar':
			return `character varying${a}`;
		case 'Bit':
			return `bit${a || '(1)'}`;
		case 'VarBit':
			return `bit varying${a}`;
		case 'Decimal':
			return `numeric${a}`;
		case 'DoublePrecision':
			return 'double precision';
		case 'Timestamp':
			return `timestamp${a} without time zone`;
		case 'Timestamptz':
			return `timestamp${a} with time zone`;
		case 'Time':
			return `time${a} without time zone`;
		case 'Timetz':
			return `time${a} with time zone`;
		default:
			// Text, Uuid, Xml, Inet, Citext, Boolean, Integer, SmallInt, BigInt, Oid, Real, Money,
			// Date, Json, JsonB, ByteA: the lower-cased name is the PostgreSQL type.
			return name.toLowerCase() + a;
	}
}

const prismaActions: Record<string, string> = {
	Cascade: 'CASCADE',
	Restrict: 'RESTRICT',
	NoAction: 'NO ACTION',
	SetNull: 'SET NULL',
	SetDefault: 'SET DEFAULT'
};

/**
 * Accepted SQL actions for a relation. Undeclared actions accept Prisma's implicit default as
 * well as SQL's own default (NO ACTION), which is what a hand-written REFERENCES clause gets.
 */
function acceptedActions(declared: string | undefined, prismaDefault: string): string[] {
	if (declared) return [prismaActions[declared] ?? declared.toUpperCase()];
	return [...new Set([prismaDefault, 'NO ACTION'])];
}

function parseSchema(schemaPrismaText: string): Document {
	const result = getDMMF({ datamodel: schemaPrismaText });
	if ('error' in result) {
		let message = result.error.message;
		try {
			message = (JSON.parse(message) as { message?: string }).message ?? message;
		} catch {
			// Not the engine's JSON envelope; keep the raw message.
		}
		throw new Error(`schema.prisma is invalid: ${stripVTControlCharacters(message)}`);
	}
	return result;
}

/** The database shape schema.prisma implies, as Prisma Migrate would create it on PostgreSQL. */
export function expectedSchema(schemaPrismaText: string): SchemaShape {
	const { datamodel } = parseSchema(schemaPrismaText);
	const tableName = (m: Model) => m.dbName ?? m.name;
	const columnName = (f: Field) => f.dbName ?? f.name;
	const modelByName = new Map(datamodel.models.map((m) => [m.name, m]));
	const columnsOf = (m: Model, fieldNames: readonly string[]) =>
		fieldNames.map((n) => {
			const field = m.fields.find((f) => f.name === n);
			return field ? columnName(field) : n;
		});
	const enumNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));

	const enums = new Map(
		datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)])
	);
	const tables = new Map<string, TableShape>();
	for (const model of datamodel.models) {
		const columns = new Map<string, ColumnShape>();
		const uniques: string[][] = [];
		const foreignKeys: ForeignKeyShape[] = [];
		for (const field of model.fields) {
			if (field.kind === 'scalar' || field.kind === 'enum') {
				const base =
					field.kind === 'enum'
						? (enumNames.get(field.type) ?? field.type)
						: field.nativeType
							? nativeTypeSql(field.nativeType[0], field.nativeType[1])
							: (defaultTypes[field.type] ?? field.type.toLowerCase());
				columns.set(columnName(field), {
					type: field.isList ? `${base}[]` : base,
					nullable: !field.isRequired
				});
				if (field.isUnique) uniques.push([columnName(field)]);
			} else if (field.kind === 'object' && field.relationFromFields?.length) {
				const target = modelByName.get(field.type);
				foreignKeys.push({
					columns: columnsOf(model, field.relationFromFields),
					referencedTable: target ? tableName(target) : field.type,
					referencedColumns: target
						? columnsOf(target, field.relationToFields ?? [])
						: [...(field.relationToFields ?? [])],
					onDelete: acceptedActions(
						field.relationOnDelete,
						field.isRequired ? 'RESTRICT' : 'SET NULL'
					),
					onUpdate: acceptedActions(field.relationOnUpdate, 'CASCADE')
				});
			}
		}
		for (const group of model.uniqueFields) uniques.push(columnsOf(model, group));
		const idField = model.fields.find((f) => f.isId);
		const primaryKey = model.primaryKey
			? columnsOf(model, model.primaryKey.fields)
			: idField
				? [columnName(idField)]
				: null;
		// `indexes` is absent from older DMMF versions; without it @@index is simply not checked.
		const indexes = (datamodel.indexes ?? [])
			.filter((i) => i.model === model.name && i.type === 'normal')
			.map((i) => {
				const keys = i.fields.map((f) => {
					const [column] = columnsOf(model, [f.name]);
					return f.sortOrder === 'desc' ? `${column} DESC` : `${column}`;
				});
				const method = i.algorithm?.toLowerCase() ?? 'btree';
				return `(${keys.join(', ')})${method === 'btree' ? '' : ` using ${method}`}`;
			});
		tables.set(tableName(model), { columns, primaryKey, uniques, indexes, foreignKeys });
	}
	return { tables, enums };
}

const sqlActions: Record<string, string> = {
	a: 'NO ACTION',
	r: 'RESTRICT',
	c: 'CASCADE',
	n: 'SET NULL',
	d: 'SET DEFAULT'
};

/**
 * The shape of the database's public schema. Takes a URL, or a connected client so callers can
 * inspect uncommitted DDL inside their own transaction.
 */
export async function actualSchema(db: string | pg.ClientBase): Promise<SchemaShape> {
	if (typeof db === 'string') {
		const client = new pg.Client({ connectionString: db });
		await client.connect();
		try {
			return await actualSchema(client);
		} finally {
			await client.end();
		}
	}

	const tables = new Map<string, TableShape>();
	const table = (name: string) => tables.get(name);

	const { rows: columnRows } = await db.query<{
		table_name: string;
		column_name: string | null;
		type: string | null;
		not_null: boolean | null;
	}>(`
		SELECT c.relname::text AS table_name, a.attname::text AS column_name, a.attnotnull AS not_null,
			-- Enums by bare name: format_type() would quote mixed-case names.
			CASE WHEN et.typtype = 'e'
				THEN et.typname::text || CASE WHEN t.typcategory = 'A' THEN '[]' ELSE '' END
				ELSE format_type(a.atttypid, a.atttypmod)
			END AS type
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname, a.attnum
	`);
	for (const row of columnRows) {
		if (ignoredTables.has(row.table_name)) continue;
		let shape = table(row.table_name);
		if (!shape) {
			shape = { columns: new Map(), primaryKey: null, uniques: [], indexes: [], foreignKeys: [] };
			tables.set(row.table_name, shape);
		}
		if (row.column_name !== null) {
			shape.columns.set(row.column_name, { type: row.type ?? '', nullable: !row.not_null });
		}
	}

	const { rows: constraintRows } = await db.query<{
		table_name: string;
		contype: 'p' | 'f';
		columns: string[];
		referenced_table: string | null;
		referenced_columns: string[];
		on_delete: string;
		on_update: string;
	}>(`
		SELECT c.relname::text AS table_name, con.contype::text AS contype,
			ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
				ORDER BY k.i) AS columns,
			fc.relname::text AS referenced_table,
			ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
				JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
				ORDER BY k.i) AS referenced_columns,
			con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_class fc ON fc.oid = con.confrelid
		WHERE n.nspname = 'public' AND con.contype IN ('p', 'f')
		ORDER BY c.relname, con.conname
	`);
	for (const row of constraintRows) {
		const shape = table(row.table_name);
		if (!shape) continue;
		if (row.contype === 'p') shape.primaryKey = row.columns;
		else {
			shape.foreignKeys.push({
				columns: row.columns,
				referencedTable: row.referenced_table ?? '',
				referencedColumns: row.referenced_columns,
				onDelete: [sqlActions[row.on_delete] ?? row.on_delete],
				onUpdate: [sqlActions[row.on_update] ?? row.on_update]
			});
		}
	}

	// Unique constraints are backed by unique indexes, so pg_index covers both kinds.
	const { rows: indexRows } = await db.query<{
		table_name: string;
		index_name: string;
		is_unique: boolean;
		method: string;
		keys: string[];
		plain: boolean;
		predicate: string | null;
	}>(`
		SELECT c.relname::text AS table_name, ic.relname::text AS index_name,
			i.indisunique AS is_unique, am.amname::text AS method,
			ARRAY(
				SELECT CASE WHEN i.indkey[k - 1] <> 0
					THEN (SELECT a.attname::text FROM pg_attribute a
						WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1])
					ELSE '(' || pg_get_indexdef(i.indexrelid, k, true) || ')'
				END || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
				FROM generate_series(1, i.indnkeyatts) k ORDER BY k
			) AS keys,
			i.indexprs IS NULL AND i.indpred IS NULL AND am.amname = 'btree' AS plain,
			pg_get_expr(i.indpred, i.indrelid) AS predicate
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_am am ON am.oid = ic.relam
		WHERE n.nspname = 'public' AND NOT i.indisprimary
		ORDER BY c.relname, ic.relname
	`);
	for (const row of indexRows) {
		const shape = table(row.table_name);
		// Indexes Prisma cannot express (expressions, operator classes such as gin_trgm_ops) are
		// created in SQL only and named *_sql_idx to say so.
		if (!shape || SQL_ONLY_INDEX.test(row.index_name)) continue;
		if (row.is_unique && row.plain) {
			shape.uniques.push(row.keys.map((k) => k.replace(/ DESC$/, '')));
			continue;
		}
		// Partial, expression and non-btree unique indexes cannot express @unique: listed as indexes.
		let description = `(${row.keys.join(', ')})`;
		if (row.method !== 'btree') description += ` using ${row.method}`;
		if (row.predicate) description += ` where ${row.predicate}`;
		shape.indexes.push(row.is_unique ? `unique ${description}` : description);
	}

	const { rows: enumRows } = await db.query<{ name: string; labels: string[] }>(`
		SELECT t.typname::text AS name,
			ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
				ORDER BY e.enumsortorder) AS labels
		FROM pg_type t
		JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = 'public' AND t.typtype = 'e'
		ORDER BY t.typname
	`);
	const enums = new Map(enumRows.map((r) => [r.name, r.labels]));

	return { tables, enums };
}

const list = (columns: readonly string[]) => `(${columns.join(', ')})`;
const setKey = (columns: readonly string[]) => JSON.stringify([...columns].sort());
const fkKey = (fk: ForeignKeyShape) =>
	`${list(fk.columns)} -> ${fk.referencedTable} ${list(fk.referencedColumns)}`;

function sortedUnion<T>(a: Iterable<T>, b: Iterable<T>): T[] {
	return [...new Set([...a, ...b])].sort();
}

/** Human-readable differences between the two shapes; empty when they agree. */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
	const out: string[] = [];

	for (const name of sortedUnion(expected.enums.keys(), actual.enums.keys())) {
		const e = expected.enums.get(name);
		const a = actual.enums.get(name);
		if (!a) out.push(`enum "${name}" is in schema.prisma but missing from the database`);
		else if (!e) out.push(`enum "${name}" exists in the database but not in schema.prisma`);
		else if (e.join('\0') !== a.join('\0')) {
			out.push(`enum "${name}": values ${list(e)} in schema.prisma, ${list(a)} in database`);
		}
	}

	for (const name of sortedUnion(expected.tables.keys(), actual.tables.keys())) {
		const e = expected.tables.get(name);
		const a = actual.tables.get(name);
		if (!a) {
			out.push(`table "${name}" is in schema.prisma but missing from the database`);
			continue;
		}
		if (!e) {
			out.push(`table "${name}" exists in the database but not in schema.prisma`);
			continue;
		}

		for (const [column, ec] of e.columns) {
			const ac = a.columns.get(column);
			if (!ac) {
				out.push(`${name}.${column}: in schema.prisma but missing from the database`);
				continue;
			}
			if (ec.type !== ac.type) {
				out.push(`${name}.${column}: type ${ec.type} in schema.prisma, ${ac.type} in database`);
			}
			// Prisma creates scalar-list columns nullable and accepts either.
			if (ec.nullable !== ac.nullable && !ec.type.endsWith('[]')) {
				out.push(
					ac.nullable
						? `${name}.${column}: nullable in database, required in schema.prisma`
						: `${name}.${column}: NOT NULL in database, optional in schema.prisma`
				);
			}
		}
		for (const column of a.columns.keys()) {
			if (!e.columns.has(column)) {
				out.push(`${name}.${column}: column exists in the database but not in schema.prisma`);
			}
		}

		const ePk = e.primaryKey ? list(e.primaryKey) : 'none';
		const aPk = a.primaryKey ? list(a.primaryKey) : 'none';
		if (ePk !== aPk) out.push(`${name}: primary key ${ePk} in schema.prisma, ${aPk} in database`);

		const aUniques = new Set(a.uniques.map(setKey));
		const eUniques = new Set(e.uniques.map(setKey));
		for (const u of e.uniques) {
			if (!aUniques.has(setKey(u))) {
				out.push(
					`${name}: unique ${list(u)} in schema.prisma has no unique constraint or index in the database`
				);
			}
		}
		for (const u of a.uniques) {
			if (!eUniques.has(setKey(u))) {
				out.push(`${name}: unique ${list(u)} in the database is not declared in schema.prisma`);
			}
		}

		for (const i of e.indexes) {
			if (!a.indexes.includes(i)) {
				out.push(`${name}: index ${i} in schema.prisma is missing from the database`);
			}
		}
		for (const i of a.indexes) {
			if (!e.indexes.includes(i)) {
				out.push(`${name}: index ${i} in the database is not declared in schema.prisma`);
			}
		}

		const aFks = new Map(a.foreignKeys.map((fk) => [fkKey(fk), fk]));
		const eFks = new Set(e.foreignKeys.map(fkKey));
		for (const efk of e.foreignKeys) {
			const key = fkKey(efk);
			const afk = aFks.get(key);
			if (!afk) {
				out.push(`${name}: foreign key ${key} in schema.prisma is missing from the database`);
				continue;
			}
			for (const [event, accepted, [got]] of [
				['ON DELETE', efk.onDelete, afk.onDelete],
				['ON UPDATE', efk.onUpdate, afk.onUpdate]
			] as const) {
				if (got !== undefined && !accepted.includes(got)) {
					out.push(
						`${name}: foreign key ${key}: ${event} ${accepted.join(' or ')} in schema.prisma, ${got} in database`
					);
				}
			}
		}
		for (const afk of a.foreignKeys) {
			const key = fkKey(afk);
			if (!eFks.has(key)) {
				out.push(`${name}: foreign key ${key} in the database is not declared in schema.prisma`);
			}
		}
	}
	return out;
}

/** Differences between schema.prisma (the file) and the database at databaseUrl. */
export async function checkDrift(
	databaseUrl: string,
	schemaPath: string = defaultSchemaPath
): Promise<string[]> {
	const expected = expectedSchema(await readFile(schemaPath, 'utf8'));
	return diffSchemas(expected, await actualSchema(databaseUrl));
}
