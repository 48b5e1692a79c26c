import { startEmulator } from "../../emulator/server";
import prisma from "../../app/db.server";
import { ensureShop } from "../../app/catalog/catalog-sync.server";
import { installEmulatorRedirect } from "../../app/shopify/emulator-redirect.server";
import { webhookSubscriptions } from "../../scripts/lib/app-toml";
import { TEST_API_KEY, TEST_API_SECRET } from "./test-env";

export const TEST_SHOP = "shotlane-test.myshopify.com";
export const TEST_ACCESS_TOKEN = "shpat_shotlane_test_token";

/**
 * A store emulator for one test file, with the app's Admin API requests for
 * TEST_SHOP redirected to it (the same redirect demo mode uses) and the shop's
 * offline session stored as an install would.
 */
export async function startTestStore(options: { port?: number; productCount?: number; seed?: number; appUrl?: string; mediaProcessingMs?: number; bucket?: { maximumAvailable?: number; restoreRate?: number } } = {}) {
  const emulator = await startEmulator({
    host: "127.0.0.1",
    port: options.port ?? 0,
    shops: [{ domain: TEST_SHOP, accessToken: TEST_ACCESS_TOKEN }],
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    appUrl: options.appUrl,
    webhooks: webhookSubscriptions(),
    seed: options.seed ?? 7,
    productCount: options.productCount ?? 500,
    mediaProcessingMs: options.mediaProcessingMs ?? 20,
    // A Shopify Plus bucket unless a test asks for another (the throttle tests drain it).
    bucket: { maximumAvailable: 10_000, restoreRate: 1_000, ...options.bucket },
  });
  installEmulatorRedirect({ shop: TEST_SHOP, emulatorUrl: emulator.url });
  const session = { shop: TEST_SHOP, state: "test", isOnline: false, scope: process.env.SCOPES ?? "", accessToken: TEST_ACCESS_TOKEN, expires: null };
  await prisma.session.upsert({ where: { id: `offline_${TEST_SHOP}` }, create: { id: `offline_${TEST_SHOP}`, ...session }, update: session });
  await ensureShop(prisma, TEST_SHOP);
  return emulator;
}
