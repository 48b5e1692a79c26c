import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { reconcileCatalogs } from "../../app/catalog/reconcile.server";
import { env } from "../../app/config/env";
import { workerConnection } from "../../jobs/connection";
import { catalogReconcileQueue, closeQueues, RECONCILE_SCHEDULE } from "../../jobs/queues";
import { scheduleRecurringJobs } from "../../jobs/workers";

const session = (shop: string) => ({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: "t" });

describe("scheduled catalog reconciliation", () => {
  afterAll(async () => {
    await closeQueues();
  });

  it("starts a bulk sync for each installed shop, skipping uninstalled, session-less and busy ones", async () => {
    await prisma.shop.createMany({
      data: [{ id: "a.myshopify.com" }, { id: "b.myshopify.com" }, { id: "gone.myshopify.com", uninstalledAt: new Date() }, { id: "nosession.myshopify.com" }],
    });
    await prisma.session.createMany({ data: [session("a.myshopify.com"), session("b.myshopify.com"), session("gone.myshopify.com")] });
    await prisma.syncRun.create({ data: { shopId: "b.myshopify.com", kind: "bulk", status: "running", requestedBy: "user:1" } });

    const enqueued: string[] = [];
    const result = await reconcileCatalogs(prisma, async (payload) => void enqueued.push(payload.shopId));
    expect(result).toEqual({
      started: ["a.myshopify.com"],
      skipped: [
        { shopId: "b.myshopify.com", reason: "a sync is already running" },
        { shopId: "nosession.myshopify.com", reason: "no offline session" },
      ],
    });
    expect(enqueued).toEqual(["a.myshopify.com"]);
    expect(await prisma.syncRun.findFirst({ where: { shopId: "a.myshopify.com" } })).toMatchObject({ kind: "bulk", status: "queued", requestedBy: "system:reconcile" });
  });

  it("registers one nightly scheduler however often workers start", async () => {
    await scheduleRecurringJobs();
    await scheduleRecurringJobs();
    const queue = new Queue(catalogReconcileQueue.name, { connection: workerConnection(env().REDIS_URL), prefix: env().QUEUE_PREFIX });
    const schedulers = await queue.getJobSchedulers();
    await queue.close();
    expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([["catalog-reconcile-nightly", RECONCILE_SCHEDULE]]);
  });
});
