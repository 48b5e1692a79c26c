/** Values every test process shares; the secret signs test webhooks and session tokens. */
export const TEST_API_KEY = "shotlane-test-api-key";
export const TEST_API_SECRET = "shotlane-test-api-secret";
export const TEST_APP_URL = "https://shotlane.test";

/** One vitest run's database files under .data/: the migrated template, and the prefix of every per-file copy. */
export function testRunFiles(runId: string) {
  const prefix = `test-run-${runId}-`;
  return { prefix, template: `.data/${prefix}template.db`, copy: (id: string) => `.data/${prefix}${id}.db` };
}
