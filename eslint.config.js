import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './apps/web/svelte.config.js';

export default ts.config(
	{
		ignores: [
			'**/node_modules/',
			'**/build/',
			'**/dist/',
			'**/.svelte-kit/',
			'.data/',
			'packages/db/src/generated/',
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
	}
);
