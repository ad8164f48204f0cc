import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "simulators/**/*.test.ts",
      "gateway/**/*.test.ts",
      "harness/**/*.test.ts",
      "reports/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
  },
});
