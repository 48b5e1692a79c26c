import { parseArgs } from "node:util";
import { z } from "zod";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { webhookSubscriptions } from "../scripts/lib/app-toml";
import { startEmulator } from "./server";

/**
 * `npm run emulator` (tsx emulator/main.ts): the store emulator on its own.
 * Settings come from flags or the environment (flags win):
 *   --port PORT (4010)  --seed SEED (2026)  --product-count PRODUCT_COUNT (500)
 *   --shop SHOP  --access-token ACCESS_TOKEN  --api-key API_KEY  --api-secret API_SECRET
 *   --app-url APP_URL (where webhooks go; none are sent without it)
 * Webhook subscriptions are read from shopify.app.toml.
 */

const { values: flags } = parseArgs({
  options: {
    port: { type: "string" },
    seed: { type: "string" },
    "product-count": { type: "string" },
    shop: { type: "string" },
    "access-token": { type: "string" },
    "api-key": { type: "string" },
    "api-secret": { type: "string" },
    "app-url": { type: "string" },
  },
  strict: true,
});

const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SEED: z.coerce.number().int().default(2026),
  PRODUCT_COUNT: z.coerce.number().int().min(0).max(200_000).default(500),
  SHOP: z.string().default("shotlane-demo.myshopify.com"),
  ACCESS_TOKEN: z.string().min(1).default("shpat_shotlane_demo_token"),
  API_KEY: z.string().min(1).default("shotlane-demo-api-key"),
  API_SECRET: z.string().min(1).default("shotlane-demo-api-secret"),
  APP_URL: z.url().optional(),
});

const fromFlags = {
  PORT: flags.port,
  SEED: flags.seed,
  PRODUCT_COUNT: flags["product-count"],
  SHOP: flags.shop,
  ACCESS_TOKEN: flags["access-token"],
  API_KEY: flags["api-key"],
  API_SECRET: flags["api-secret"],
  APP_URL: flags["app-url"],
};
const env = Object.fromEntries(Object.keys(settingsSchema.shape).map((key) => [key, process.env[key] || undefined]));
const parsed = settingsSchema.safeParse({ ...env, ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)) });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`Store emulator: ${issue.path.join(".")} ${issue.message}`);
  process.exit(1);
}
const settings = parsed.data;

const emulator = await startEmulator({
  port: settings.PORT,
  seed: settings.SEED,
  productCount: settings.PRODUCT_COUNT,
  shops: [{ domain: settings.SHOP, accessToken: settings.ACCESS_TOKEN }],
  apiKey: settings.API_KEY,
  apiSecret: settings.API_SECRET,
  appUrl: settings.APP_URL,
  webhooks: webhookSubscriptions(),
  logger: (line) => console.log(line),
});
console.log(`Shotlane store emulator on ${emulator.url}`);
console.log(`  Admin API: ${emulator.url}/store/${settings.SHOP}/admin/api/${ADMIN_API_VERSION}/graphql.json (X-Shopify-Access-Token: ${settings.ACCESS_TOKEN})`);
console.log(`  ${settings.PRODUCT_COUNT} products, seed ${settings.SEED}; webhooks ${settings.APP_URL ? `to ${settings.APP_URL}` : "off (no APP_URL)"}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing the store emulator`);
  void emulator.close().then(() => process.exit(0));
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
