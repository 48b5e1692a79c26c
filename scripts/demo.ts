import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { createPrismaClient } from "../app/db.server";
import { flatLaySvg } from "../emulator/render-flat-lay";
import { buildExtensions } from "./build-extensions";
import { DEMO_SHOP, startDemoStack, type DemoStack } from "./lib/demo-stack";

const STUDIO_INBOX = ".data/studio-inbox";

/**
 * The demo shop watches a local studio inbox (unless its studio settings say
 * otherwise), with three studio shots of demo products named {sku}_{view}:
 * once the catalog is synced, the worker imports them, post-processes and
 * checks them, and they wait in Review.
 */
async function prepareStudioInbox(stack: DemoStack): Promise<void> {
  const db = createPrismaClient(stack.databaseUrl);
  try {
    await db.studioSettings.upsert({ where: { shopId: DEMO_SHOP }, create: { shopId: DEMO_SHOP, watchPrefix: STUDIO_INBOX, updatedBy: "system:demo" }, update: {} });
  } finally {
    await db.$disconnect();
  }
  mkdirSync(STUDIO_INBOX, { recursive: true });
  const products = [...stack.emulator.store.requireShop(DEMO_SHOP).products.values()].filter((p) => p.flatLay && p.variants.length > 0).slice(0, 3);
  for (const [i, product] of products.entries()) {
    const file = path.join(STUDIO_INBOX, `${product.variants[0]!.sku}_${["front", "packshot", "back"][i]}.jpg`);
    if (existsSync(file)) continue;
    // The garment on a seamless paper backdrop, as the studio would shoot it.
    const svg = flatLaySvg({ ...product.flatLay!, background: "#f3f2ee" });
    writeFileSync(file, await sharp(Buffer.from(svg), { density: 144 }).resize(1200).jpeg({ quality: 90 }).toBuffer());
  }
}

/**
 * `npm run demo`: the whole app on this machine against the local store
 * emulator. Ctrl-C stops everything it started.
 */
const started = Date.now();
try {
  // The product page extensions' stand-in admin (/extension-preview/…) serves their built bundles.
  await buildExtensions();
  const stack = await startDemoStack({ appPort: Number(process.env.PORT) || 3000, emulatorPort: Number(process.env.EMULATOR_PORT) || 0 });
  await prepareStudioInbox(stack);
  console.log(
    [
      "",
      "Shotlane demo is running.",
      `  App (demo shop):   ${stack.appUrl}/app (the production dashboard; the catalog is at /app/catalog)`,
      `  Product page extensions, in a stand-in admin: ${stack.appUrl}/extension-preview/product-panel-block and ${stack.appUrl}/extension-preview/product-panel-action`,
      `  Flow triggers the store received: ${stack.emulatorUrl}/emulator/shops/${DEMO_SHOP}/flow-triggers`,
      `  Store emulator:    ${stack.emulatorUrl}`,
      `  Redis:             ${stack.redisUrl}`,
      `  Studio inbox:      ${path.resolve(STUDIO_INBOX)} (files named {sku}_{view}.jpg come in after the first catalog sync)`,
      `  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Press Ctrl-C to stop.`,
      "",
    ].join("\n"),
  );
  const shutdown = async () => {
    console.log("Stopping the demo…");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
} catch (error) {
  console.error(`\nThe demo could not start:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
