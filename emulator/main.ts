import { webhookSubscriptions } from "../scripts/lib/app-toml";
import { startEmulator } from "./server";

/** `npm run emulator`: the store emulator on its own (PORT, SEED, PRODUCT_COUNT, SHOP, ACCESS_TOKEN, API_SECRET, APP_URL). */
const env = process.env;
const emulator = await startEmulator({
  port: Number(env.PORT ?? 4010),
  seed: Number(env.SEED ?? 2026),
  productCount: Number(env.PRODUCT_COUNT ?? 500),
  shops: [{ domain: env.SHOP ?? "shotlane-demo.myshopify.com", accessToken: env.ACCESS_TOKEN ?? "shpat_shotlane_demo_token" }],
  apiKey: env.API_KEY ?? "shotlane-demo-api-key",
  apiSecret: env.API_SECRET ?? "shotlane-demo-api-secret",
  appUrl: env.APP_URL,
  webhooks: webhookSubscriptions(),
  log: (line) => console.log(line),
});
console.log(`Shotlane store emulator on ${emulator.url} (Admin API: ${emulator.url}/store/<shop>/admin/api/2026-10/graphql.json)`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
