import { defineConfig } from 'vitest/config';

// Two projects: `unit` is fast and needs nothing from the host; `system` runs on the real parts
// (etcd, containers, registry, kubectl) as root, with fewer files at once so that they do not
// starve each other on a 2-core machine.
export default defineConfig({
  test: {
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
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
