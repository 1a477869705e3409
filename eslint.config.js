import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './apps/web/svelte.config.js';

// The realtime service's shape (apps/realtime/README.md): an engine, a socket layer, and feature
// slices of handlers -> service -> store. Features import the engine; never the reverse.
const RT = 'apps/realtime/src';
const SLICES = ['room', 'members', 'queue', 'playback', 'chat', 'presence', 'clock'];
const sliceFiles = (glob) => SLICES.map((s) => `${RT}/${s}/${glob}`);
const viaEngineIndex = {
	group: ['../engine/*', '!../engine/index.ts'],
	message: 'Slices use the engine through engine/index.ts only.'
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const realtimeLayers = [
	{
		files: [`${RT}/engine/**/*.ts`],
		rules: restrict({
			group: ['../*/**'],
			message: 'The engine imports no feature slice and not the socket layer.'
		})
	},
	{
		files: [`${RT}/socket/**/*.ts`],
		rules: restrict({
			group: SLICES.map((s) => `../${s}/**`),
			message: 'The socket layer imports no feature slice.'
		})
	},
	{ files: sliceFiles('**/*.ts'), rules: restrict(viaEngineIndex) },
	{
		files: sliceFiles('**/*.service.ts'),
		rules: restrict(viaEngineIndex, {
			group: ['**/*.handlers.ts'],
			message: 'Services import no handlers.'
		})
	},
	{
		files: sliceFiles('**/*.store.ts'),
		rules: restrict(viaEngineIndex, {
			group: ['**/*.service.ts', '**/*.handlers.ts'],
			message: 'Stores hold no rules: they import no service or handler.'
		})
	}
];

// One data-loading rule for the web app: server `load` functions and form actions call the
// services in $lib/server directly; the JSON API under /api/v1 is for other clients (and for
// interactive fetches from components). So a load file names no /api/ path and runs no query of
// its own. apps/web/src/architecture.test.ts shows each rule firing.
const WEB_ROUTES = 'apps/web/src/routes';
const ownApi = {
	message:
		'Server loads and actions call the services in $lib/server directly; /api/v1 is for other clients.'
};
// \x2F is "/": esquery regexes cannot contain a slash. Matches "/api/…" and "…/api/v1…".
const API_PATH = '/(^\\x2Fapi|\\x2Fapi\\x2Fv1)(\\x2F|\\?|$)/';
const webDataLoading = {
	files: [`${WEB_ROUTES}/**/+page.server.ts`, `${WEB_ROUTES}/**/+layout.server.ts`],
	rules: {
		'no-restricted-syntax': [
			'error',
			{ selector: `Literal[value=${API_PATH}]`, ...ownApi },
			{ selector: `TemplateElement[value.raw=${API_PATH}]`, ...ownApi }
		],
		'no-restricted-imports': [
			'error',
			{
				patterns: [
					{
						group: ['$lib/server/db', '$lib/server/db.ts', '@chorus/db'],
						message: 'Queries belong to a service in $lib/server: the load or action calls it.'
					}
				]
			}
		]
	}
};

export default ts.config(
	{
		ignores: [
			'**/node_modules/',
			'**/build/',
			'**/dist/',
			'**/.svelte-kit/',
			'.data/',
			'packages/db/src/generated/',
			'apps/web/src/lib/paraglide/',
			'**/playwright-report/',
			'**/test-results/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// Types come from TypeScript; this rule misfires on type-only globals.
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Tests read loosely-typed JSON bodies on purpose.
		files: ['**/*.test.ts', '**/test/**/*.ts', 'tests/**/*.ts', 'e2e/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	...realtimeLayers,
	webDataLoading
);
