import { getJwt } from "@shopify/shopify-api/test-helpers";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { env } from "../../app/config/env";
import { workerConnection } from "../../jobs/connection";
import { catalogSyncQueue, closeQueues } from "../../jobs/queues";
import { action as syncAction } from "../../app/routes/api.catalog-sync";
import { loader as homeLoader } from "../../app/routes/app._index";
import { mirrorProduct } from "../support/factories";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "auth-test.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });

async function bearer(overrides: Record<string, unknown> = {}, secret = TEST_API_SECRET) {
  return `Bearer ${(await getJwt(SHOP.replace(".myshopify.com", ""), TEST_API_KEY, secret, overrides)).token}`;
}

/** Runs a loader or action and returns its value, or the Response it threw. */
async function outcome<T>(run: () => Promise<T>): Promise<{ value?: T; thrown?: Response }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (error instanceof Response) return { thrown: error };
    throw error;
  }
}

describe("embedded routes authenticate through authenticate.admin", () => {
  beforeAll(async () => {
    await prisma.shop.create({ data: { id: SHOP, name: "Auth Test" } });
    // The stored offline session, as token exchange would have left it.
    await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_products", accessToken: "shpat_auth_test", expires: null } });
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({ id: 1, title: "Linen Wrap Dress", productType: "Dresses" }),
      mirrorProduct({ id: 2, title: "Merino Crewneck Sweater", productType: "Knitwear" }),
      mirrorProduct({ id: 3, title: "Silk Slip Dress", productType: "Dresses" }),
    ]);
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("serves the product list of the token's shop, filtered and searched in the database", async () => {
    const request = new Request(`${TEST_APP_URL}/app?type=Dresses`, { headers: { Authorization: await bearer() } });
    const { value, thrown } = await outcome(() => homeLoader(args(request)));
    expect(thrown).toBeUndefined();
    expect(value!.shop.domain).toBe(SHOP);
    expect(value!.page.items.map((p) => p.title)).toEqual(["Linen Wrap Dress", "Silk Slip Dress"]);
    expect(value!.facets.types).toEqual(["Dresses", "Knitwear"]);

    const search = new Request(`${TEST_APP_URL}/app?q=merino`, { headers: { Authorization: await bearer() } });
    expect((await homeLoader(args(search))).page.items.map((p) => p.title)).toEqual(["Merino Crewneck Sweater"]);
  });

  it.each([
    ["signed with another secret", () => bearer({}, "not-the-app-secret")],
    ["expired", () => bearer({ exp: Date.now() / 1000 - 60 })],
    ["for another app", () => bearer({ aud: "someone-elses-app" })],
  ])("rejects a session token %s", async (_label, token) => {
    const request = new Request(`${TEST_APP_URL}/app`, { headers: { Authorization: await token() } });
    const { value, thrown } = await outcome(() => homeLoader(args(request)));
    expect(value).toBeUndefined();
    expect(thrown?.status).toBe(401);
  });

  it("starts a catalog sync on the real queue, and refuses a second one with 409", async () => {
    const post = async () => syncAction(args(new Request(`${TEST_APP_URL}/api/catalog-sync`, { method: "POST", headers: { Authorization: await bearer() } })));
    const first = await post();
    expect(first.status).toBe(202);
    const { run } = (await first.json()) as { run: { id: string; status: string } };
    expect(run.status).toBe("queued");
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ shopId: SHOP, requestedBy: "user:12345" });

    const queue = new Queue(catalogSyncQueue.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });
    const job = await queue.getJob(`catalog-sync-${run.id}`);
    expect(job?.data).toEqual({ shopId: SHOP, syncRunId: run.id });
    await queue.close();

    const second = await post();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toMatch(/already running/);
    expect(await prisma.syncRun.count({ where: { shopId: SHOP } })).toBe(1);
  });

  it("does not start a sync for a bad token", async () => {
    const request = new Request(`${TEST_APP_URL}/api/catalog-sync`, { method: "POST", headers: { Authorization: await bearer({}, "wrong-secret") } });
    const before = await prisma.syncRun.count();
    const { thrown } = await outcome(() => syncAction(args(request)));
    expect(thrown?.status).toBe(401);
    expect(await prisma.syncRun.count()).toBe(before);
  });
});
