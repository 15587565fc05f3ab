import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: process.env.CERTBENCH_VITEST_JSON ? ['default', ['json', { outputFile: process.env.CERTBENCH_VITEST_JSON }]] : ['default'],
  },
});
