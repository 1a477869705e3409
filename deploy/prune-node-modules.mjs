// Used by apps/*/Dockerfile after `pnpm deploy --config.node-linker=hoisted`:
// Drops every package the production dependencies do not reach from a hoisted node_modules.
// pnpm resolves optional peers (e.g. `prisma` for @prisma/client) from the workspace root, which
// would otherwise ship the Prisma CLI and its ~230 MB of dependencies. Also removes the Prisma
// query compilers for databases other than PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';

const root = fs.realpathSync(process.argv[2] ?? '.');
const nodeModules = path.join(root, 'node_modules');
const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const resolve = (from, name) => {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, 'node_modules', name);
		if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
		if (dir === root || dir === path.dirname(dir)) return null;
	}
};

const keep = new Set([root]);
const queue = [root];
while (queue.length > 0) {
	const dir = queue.pop();
	const pkg = manifest(dir);
	const requiredPeers = Object.keys(pkg.peerDependencies ?? {}).filter(
		(name) => !pkg.peerDependenciesMeta?.[name]?.optional
	);
	for (const name of [
		...Object.keys(pkg.dependencies ?? {}),
		...Object.keys(pkg.optionalDependencies ?? {}),
		...requiredPeers
	]) {
		const found = resolve(dir, name);
		if (found && !keep.has(found)) {
			keep.add(found);
			queue.push(found);
		}
	}
}

let removed = 0;
for (const entry of fs.readdirSync(nodeModules)) {
	if (entry.startsWith('.')) continue;
	const scoped = entry.startsWith('@');
	const dirs = scoped
		? fs
				.readdirSync(path.join(nodeModules, entry))
				.map((child) => path.join(nodeModules, entry, child))
		: [path.join(nodeModules, entry)];
	for (const dir of dirs) {
		if (!keep.has(fs.realpathSync(dir))) {
			fs.rmSync(dir, { recursive: true, force: true });
			removed++;
		}
	}
	if (scoped && fs.readdirSync(path.join(nodeModules, entry)).length === 0) {
		fs.rmdirSync(path.join(nodeModules, entry));
	}
}
const bin = path.join(nodeModules, '.bin');
if (fs.existsSync(bin)) {
	for (const link of fs.readdirSync(bin)) {
		if (!fs.existsSync(path.join(bin, link))) fs.rmSync(path.join(bin, link), { force: true });
	}
}

const prismaRuntime = path.join(nodeModules, '@prisma', 'client', 'runtime');
if (fs.existsSync(prismaRuntime)) {
	for (const file of fs.readdirSync(prismaRuntime)) {
		if (/^query_compiler_.*\.(cockroachdb|mysql|sqlite|sqlserver)\./.test(file)) {
			fs.rmSync(path.join(prismaRuntime, file));
		}
	}
}
console.log(`prune-node-modules: kept ${keep.size - 1} packages, removed ${removed}`);
