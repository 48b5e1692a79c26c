import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * Two projects (docs/decisions/0026-ci-time.md). `npm test` runs each in its
 * own Vitest process at the same time (test/support/run-suite.ts): "serial"
 * one file at a time, "parallel" two at a time. A plain `vitest run` runs
 * "parallel" first, then "serial", with the default worker count.
 *
 * Serial: files that drive Chromium or a whole stack (web server, worker,
 * emulator), or that measure latencies. Two of them at once starve each other
 * of CPU until their waits time out; one of them beside the parallel lane's
 * files, which mostly wait on PostgreSQL, Redis and HTTP, does not.
 */
const SERIAL = [
  "test/e2e/**/*.browser.test.ts",
  // 200 webhooks in 10 s through the real server and worker; its figures are latencies.
  "test/integration/webhook-burst.test.ts",
];

const INCLUDE = ["app/**/*.test.{ts,tsx}", "jobs/**/*.test.ts", "emulator/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts", "extensions/**/*.test.{ts,tsx}"];

/**
 * Wall seconds of the long files in a measured `.ci/run` (both lanes running,
 * on a busy 2-core machine; docs/decisions/0026). A fresh clone has no timing
 * cache, and Vitest would start files in glob order, leaving a three-minute
 * file for the end of its lane; these start first. Only the order depends on
 * the figures, and Vitest's cache (the last run's durations) wins where it exists.
 */
const EXPECTED_SECONDS: Record<string, number> = {
  "test/qc/qc-evaluation.test.ts": 230,
  "test/e2e/review.browser.test.ts": 146,
  "test/e2e/review-lcp.browser.test.ts": 134,
  "test/integration/production.test.ts": 125,
  "test/integration/publishing-crash.test.ts": 122,
  "test/e2e/studio-upload.browser.test.ts": 104,
  "test/e2e/production.browser.test.ts": 95,
  "test/integration/webhook-routes.test.ts": 79,
  "test/e2e/product-list.browser.test.ts": 77,
  "test/imaging/lut-vs-ffmpeg.test.ts": 71,
  "test/e2e/recipes.browser.test.ts": 67,
  "test/integration/webhook-burst.test.ts": 58,
  "test/e2e/settings.browser.test.ts": 54,
  "test/e2e/post-production-settings.browser.test.ts": 52,
  "test/integration/production-crash.test.ts": 42,
  "test/e2e/product-panel.browser.test.ts": 49,
  "test/e2e/publishing.browser.test.ts": 40,
  "test/integration/quality-review.test.ts": 35,
  "test/integration/catalog-sync.test.ts": 35,
  "test/prisma-migrations.test.ts": 34,
  "test/integration/auto-triggers.test.ts": 27,
  "test/integration/post-production.test.ts": 27,
  "test/integration/publishing.test.ts": 26,
  "test/integration/studio-intake.test.ts": 25,
  "test/e2e/shot-lists.browser.test.ts": 25,
  "test/e2e/studio-capacity.browser.test.ts": 22,
  "app/qc/background-checks.test.ts": 21,
  "test/integration/studio-video.test.ts": 20,
  "test/imaging/keying-quality.test.ts": 19,
  "test/providers/demo-provider.test.ts": 18,
  "app/qc/garment-colour.test.ts": 16,
};

/** Longest first: the last run's duration from Vitest's cache, else EXPECTED_SECONDS, else Vitest's own order. */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification) => {
      const file = spec.moduleId.slice(spec.project.config.root.length + 1);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      return cached ? cached.duration / 1000 : (EXPECTED_SECONDS[file] ?? 0);
    };
    const ordered = await super.sort(files);
    return ordered
      .map((spec, index) => ({ spec, index, seconds: seconds(spec) }))
      .sort((a, b) => b.seconds - a.seconds || a.index - b.index)
      .map(({ spec }) => spec);
  }
}

const common = {
  setupFiles: ["test/support/setup-env.ts", "test/support/fail-on-console-error.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // The root project's: it runs once per Vitest process, not once per project.
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        plugins: [tsconfigPaths()],
        test: { ...common, name: "parallel", include: INCLUDE, exclude: [...configDefaults.exclude, ...SERIAL], sequence: { groupOrder: 0 } },
      },
      {
        plugins: [tsconfigPaths()],
        test: {
          ...common,
          name: "serial",
          include: SERIAL,
          sequence: { groupOrder: 1 },
          // One process runs them one after another; each file still gets fresh modules, its own database and ports.
          poolOptions: { forks: { singleFork: true } },
          // Their own waits (up to 120 s for a production run in the demo stack) bound them, now beside the parallel lane.
          testTimeout: 180_000,
        },
      },
    ],
  },
});
