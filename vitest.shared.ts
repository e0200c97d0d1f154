import { defineConfig } from "vitest/config"

/** Shared test settings: every package's vitest.config.ts re-exports this. */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false
  }
})
