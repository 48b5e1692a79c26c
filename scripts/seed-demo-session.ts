import { createPrismaClient } from "../app/db.server";
import { ensureShop } from "../app/catalog/catalog-sync.server";
import { env } from "../app/config/env";

/**
 * Stores the demo shop's offline session, as an install would. The token is
 * the one the store emulator accepts for the demo shop; nothing else differs.
 */
const config = env();
const token = process.env.DEMO_ACCESS_TOKEN;
if (!config.demo || !token) throw new Error("seed-demo-session runs only in demo mode with DEMO_ACCESS_TOKEN set");
const db = createPrismaClient();
const shop = config.SHOTLANE_DEMO_SHOP;
const session = { shop, state: "demo", isOnline: false, scope: config.SCOPES ?? "", accessToken: token, expires: null };
await db.session.upsert({ where: { id: `offline_${shop}` }, create: { id: `offline_${shop}`, ...session }, update: session });
await ensureShop(db, shop);
await db.$disconnect();
