import { defineConfig } from 'vitest/config';

// Two projects: `unit` is fast and needs nothing from the host; `system` runs on the real parts
// (etcd, containers, registry, kubectl) as root, in forked processes.
export default defineConfig({
  test: {
    // 2 cores: two test files at a time; system tests name everything they create, so two can share
    // the host without stepping on each other
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/e2e/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/**/*.int.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
