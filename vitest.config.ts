import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: [
						'packages/*/src/**/*.test.ts',
						'apps/*/src/**/*.test.ts',
						'scripts/**/*.test.ts'
					],
					exclude: ['**/*.int.test.ts', '**/node_modules/**']
				}
			},
			{
				test: {
					name: 'integration',
					include: ['**/*.int.test.ts'],
					exclude: ['**/node_modules/**', 'e2e/**'],
					globalSetup: ['tests/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
