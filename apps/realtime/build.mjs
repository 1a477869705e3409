// Bundles the service with the workspace packages inlined; npm dependencies stay external
// and are installed next to dist/ (see Dockerfile).
import { build } from 'esbuild';

await build({
	entryPoints: ['src/index.ts'],
	outfile: 'dist/index.js',
	bundle: true,
	platform: 'node',
	target: 'node22',
	format: 'esm',
	sourcemap: true,
	plugins: [
		{
			name: 'externalize-npm',
			setup(b) {
				b.onResolve({ filter: /^[^./]/ }, (args) =>
					args.path.startsWith('@chorus/') ? undefined : { path: args.path, external: true }
				);
			}
		}
	]
});
