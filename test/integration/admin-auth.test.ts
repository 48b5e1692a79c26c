import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import { closeQueues } from "../../jobs/queues";
import { action as syncAction, loader as syncLoader } from "../../app/routes/api.catalog-sync";
import { loader as homeLoader } from "../../app/routes/app.catalog";
import { mirrorProduct } from "../support/factories";
import { databaseSnapshot, queueSnapshot } from "../support/shop-rows";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";

const SHOP = "auth-test.myshopify.com";
const OTHER = "other-auth-test.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });

/** A session token as App Bridge sends it, signed by Shopify's test helper. */
async function token(overrides: Record<string, unknown> = {}, secret = TEST_API_SECRET) {
  return (await getJwt(SHOP.replace(".myshopify.com", ""), TEST_API_KEY, secret, overrides)).token;
}
const bearer = async (overrides: Record<string, unknown> = {}, secret = TEST_API_SECRET) => `Bearer ${await token(overrides, secret)}`;

/** A valid token whose payload was edited after signing to name another shop. */
async function tamperedBearer() {
  const [header, payload, signature] = (await token()).split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, iss: `${OTHER}/admin`, dest: `https://${OTHER}` })).toString("base64url");
  return `Bearer ${header}.${forged}.${signature}`;
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

const BAD_TOKENS: [string, () => Promise<string>][] = [
  ["signed with another secret", () => bearer({}, "not-the-app-secret")],
  ["expired", () => bearer({ exp: Date.now() / 1000 - 60 })],
  ["for another app", () => bearer({ aud: "someone-elses-app" })],
  ["edited after signing to name another shop", tamperedBearer],
  ["that is not a JWT at all", async () => "Bearer not-a-token"],
];

describe("embedded routes authenticate through authenticate.admin", () => {
  beforeAll(async () => {
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { id: shop, name: shop } });
      // The stored offline session, as token exchange would have left it.
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
    await upsertMirrorProducts(prisma, SHOP, [
      mirrorProduct({ id: 1, title: "Linen Wrap Dress", productType: "Dresses" }),
      mirrorProduct({ id: 2, title: "Merino Crewneck Sweater", productType: "Knitwear" }),
      mirrorProduct({ id: 3, title: "Silk Slip Dress", productType: "Dresses" }),
    ]);
    await upsertMirrorProducts(prisma, OTHER, [mirrorProduct({ id: 4, title: "Other Shop Dress", productType: "Dresses" })]);
  });

  afterAll(async () => {
    await closeQueues();
  });

  it("serves the product list of the token's shop from the database, filtered and searched, and nothing of another shop", async () => {
    const all = await homeLoader(args(new Request(`${TEST_APP_URL}/app/catalog`, { headers: { Authorization: await bearer() } })));
    expect(all.shop.domain).toBe(SHOP);
    expect(all.page.items.map((p) => p.title).sort()).toEqual(["Linen Wrap Dress", "Merino Crewneck Sweater", "Silk Slip Dress"]);

    const dresses = await homeLoader(args(new Request(`${TEST_APP_URL}/app/catalog?type=Dresses`, { headers: { Authorization: await bearer() } })));
    expect(dresses.page.items.map((p) => p.title)).toEqual(["Linen Wrap Dress", "Silk Slip Dress"]);
    expect(dresses.facets.types).toEqual(["Dresses", "Knitwear"]);

    const search = await homeLoader(args(new Request(`${TEST_APP_URL}/app/catalog?q=merino`, { headers: { Authorization: await bearer() } })));
    expect(search.page.items.map((p) => p.title)).toEqual(["Merino Crewneck Sweater"]);
  });

  it.each(BAD_TOKENS)("rejects a session token %s with 401, and serves no data", async (_label, authorization) => {
    const request = new Request(`${TEST_APP_URL}/app/catalog`, { headers: { Authorization: await authorization() } });
    const { value, thrown } = await outcome(() => homeLoader(args(request)));
    expect(value).toBeUndefined();
    expect(thrown?.status).toBe(401);
    // App Bridge fetches a new token and retries when it sees this header.
    expect(thrown?.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  });

  it("sends a request with no session token at all to the login page", async () => {
    const { value, thrown } = await outcome(() => homeLoader(args(new Request(`${TEST_APP_URL}/app/catalog`))));
    expect(value).toBeUndefined();
    expect(thrown?.status).toBe(302);
    expect(thrown?.headers.get("Location")).toBe("/auth/login");
  });

  it("starts a catalog sync on the real queue, and refuses a second one with 409 while it is queued", async () => {
    const post = async () => syncAction(args(new Request(`${TEST_APP_URL}/api/catalog-sync`, { method: "POST", headers: { Authorization: await bearer() } })));
    const first = await post();
    expect(first.status).toBe(202);
    const { run } = (await first.json()) as { run: { id: string; status: string } };
    expect(run.status).toBe("queued");
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ shopId: SHOP, status: "queued", requestedBy: "user:12345" });
    expect((await queueSnapshot())["catalog-sync"]).toEqual([`catalog-sync-${run.id} {"shopId":"${SHOP}","syncRunId":"${run.id}"}`]);

    const status = await syncLoader(args(new Request(`${TEST_APP_URL}/api/catalog-sync`, { headers: { Authorization: await bearer() } })));
    expect(await status.json()).toMatchObject({ run: { id: run.id, status: "queued", active: true } });

    const second = await post();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toMatch(/already running/);
    expect(await prisma.syncRun.count({ where: { shopId: SHOP } })).toBe(1);
    expect((await queueSnapshot())["catalog-sync"]).toHaveLength(1);
  });

  it.each(BAD_TOKENS)("does not start a sync for a session token %s", async (_label, authorization) => {
    const before = { db: await databaseSnapshot(prisma), queues: await queueSnapshot() };
    const request = new Request(`${TEST_APP_URL}/api/catalog-sync`, { method: "POST", headers: { Authorization: await authorization() } });
    const { value, thrown } = await outcome(() => syncAction(args(request)));
    expect(value).toBeUndefined();
    expect(thrown?.status).toBe(401);
    expect({ db: await databaseSnapshot(prisma), queues: await queueSnapshot() }).toEqual(before);
  });
});
