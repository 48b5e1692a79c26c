import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { offlineAdmin } from "../../app/shopify/offline-admin.server";
import { unauthenticated } from "../../app/shopify.server";
import { closeShopLocks } from "../../jobs/shop-lock";
import { startTestStore, TEST_SHOP } from "../support/emulator";

type Emulator = Awaited<ReturnType<typeof startTestStore>>;

/** An offline session whose token has expired, with a valid rotating refresh token. */
async function expireSession(emulator: Emulator) {
  const refreshToken = emulator.admin.issueRefreshToken(TEST_SHOP);
  await prisma.session.update({
    where: { id: `offline_${TEST_SHOP}` },
    data: { expires: new Date(Date.now() - 60_000), refreshToken, refreshTokenExpires: new Date(Date.now() + 86_400_000) },
  });
}

const shopName = async (admin: { graphql: (q: string) => Promise<Response> }) => ((await (await admin.graphql("{ shop { name } }")).json()) as { data: { shop: { name: string } } }).data.shop.name;

describe("expiring offline tokens under concurrent workers", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestStore({ productCount: 1 });
  });
  afterAll(async () => {
    await closeShopLocks();
    await emulator.close();
  });

  it("refreshes once under the per-shop lock; every caller gets the rotated token", async () => {
    await expireSession(emulator);
    const contexts = await Promise.all([offlineAdmin(TEST_SHOP), offlineAdmin(TEST_SHOP), offlineAdmin(TEST_SHOP)]);
    expect(emulator.store.shop(TEST_SHOP)!.refreshGrants).toBe(1);
    const tokens = new Set(contexts.map((c) => c.session.accessToken));
    expect(tokens.size).toBe(1);
    const stored = await prisma.session.findUniqueOrThrow({ where: { id: `offline_${TEST_SHOP}` } });
    expect(stored.accessToken).toBe([...tokens][0]);
    expect(stored.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(stored.refreshToken).toBe(emulator.store.shop(TEST_SHOP)!.refreshToken);
    for (const context of contexts) expect(await shopName(context.admin)).toBe("Shotlane Test");
  });

  it("without the lock, concurrent refreshes race and one caller fails (the bug the lock prevents)", async () => {
    await expireSession(emulator);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const results = await Promise.allSettled([unauthenticated.admin(TEST_SHOP), unauthenticated.admin(TEST_SHOP)]);
    logged.mockRestore();
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
  });
});
