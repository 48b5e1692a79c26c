import { databaseUrl, withDatabase } from "../../app/db-url";

/** Values every test process shares; the secret signs test webhooks and session tokens. */
export const TEST_API_KEY = "shotlane-test-api-key";
export const TEST_API_SECRET = "shotlane-test-api-secret";
export const TEST_APP_URL = "https://shotlane.test";

/**
 * One vitest run's databases on the local PostgreSQL: the migrated template,
 * and the prefix of every per-file copy (names carry the run id so parallel
 * runs in one checkout never share or drop each other's).
 */
export function testRunDatabases(runId: string, server = databaseUrl()) {
  const prefix = `shotlane_test_${runId}_`;
  return {
    prefix,
    server,
    template: `${prefix}template`,
    templateUrl: withDatabase(server, `${prefix}template`),
    copyUrl: (id: string) => withDatabase(server, `${prefix}${id}`),
  };
}
