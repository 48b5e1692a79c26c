import { databaseUrl, withDatabase } from "../../app/db-url";

/** Values every test process shares; the secret signs test webhooks and session tokens. */
export const TEST_API_KEY = "shotlane-test-api-key";
export const TEST_API_SECRET = "shotlane-test-api-secret";
export const TEST_APP_URL = "https://shotlane.test";
/** 32 fixed bytes: tests may compare ciphertexts across processes. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 0x5a).toString("base64");

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

/** A vitest run's scratch folder (asset stores of its test files); removed when the run ends. */
export function testRunDirectory(runId: string): string {
  return `.data/test-run-${runId}`;
}

/** The loopback ports setup-env reserved and allow-listed for this test file (emulator, provider doubles). */
export function testLoopbackPorts(): number[] {
  const ports = (process.env.TEST_LOOPBACK_PORTS ?? "").split(",").filter(Boolean).map(Number);
  if (ports.length === 0) throw new Error("TEST_LOOPBACK_PORTS is not set: run tests through vitest (test/support/setup-env.ts)");
  return ports;
}
