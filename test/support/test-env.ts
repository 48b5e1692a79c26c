/** Values every test process shares; the secret signs test webhooks and session tokens. */
export const TEST_API_KEY = "shotlane-test-api-key";
export const TEST_API_SECRET = "shotlane-test-api-secret";
export const TEST_APP_URL = "https://shotlane.test";
export const TEMPLATE_DB = ".data/test-template.db";
