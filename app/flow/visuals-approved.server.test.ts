import { afterAll, describe, expect, it, vi } from "vitest";

// Redis is down for this file: every enqueue fails as the producer does when Redis does not answer
// (jobs/queues.test.ts checks that against a real dead port). A real dead port here left BullMQ's
// reconnecting clients with an unhandled ECONNREFUSED rejection after the file ended, now and then.
vi.mock("../../jobs/queues", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../jobs/queues")>();
  return {
    ...real,
    enqueue: vi.fn(async (definition: { name: string }) => {
      throw new real.QueueUnavailableError(definition.name, new Error("connect ECONNREFUSED 127.0.0.1:6379"));
    }),
  };
});
const { default: prisma } = await import("../db.server");
const { decideReview } = await import("../review/review-actions.server");
const { assetStore } = await import("../storage/asset-store.server");
const { closeQueues } = await import("../../jobs/queues");
const { seedReviewQueue } = await import("../../test/support/review-fixtures");
const { reconcileVisualsApproved, TRIGGER_QUEUED } = await import("./visuals-approved.server");

const SHOP = "flow-redis-down.myshopify.com";

describe("Visuals approved while Redis is down", () => {
  afterAll(async () => {
    await closeQueues();
  });

  it("the approval still succeeds; the order is noted in the audit trail for the reconciler, which waits for Redis too", async () => {
    await prisma.shop.create({ data: { id: SHOP, name: SHOP } });
    const queue = await seedReviewQueue(prisma, assetStore(), SHOP, { count: 1, products: [{ id: 990_101, title: "Redis-down dress", productType: "Dresses", featuredImageUrl: null }], distinctThumbnails: 1, verdictOf: () => "pass" });
    const order = await prisma.productionOrder.findFirstOrThrow({ where: { shopId: SHOP } });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const outcome = await decideReview({ shopId: SHOP, actor: "user:reviewer" }, { intent: "approve", assetIds: queue.assetIds });
      expect(outcome).toMatchObject({ ok: true, changed: 1 });
      expect(await prisma.asset.findUniqueOrThrow({ where: { id: queue.assetIds[0] } })).toMatchObject({ reviewStatus: "approved" });
      const noted = await prisma.auditEvent.findMany({ where: { shopId: SHOP, subjectId: order.id, action: TRIGGER_QUEUED } });
      expect(noted).toHaveLength(1);
      expect(noted[0].data).toMatchObject({ productId: "gid://shopify/Product/990101", assetCount: 1, tier: 1 });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not queued .*flow-triggers queue is unavailable.*reconciler adds it/));
      expect(await reconcileVisualsApproved(prisma, { shopId: SHOP, minAgeMs: 0 })).toEqual({ requeued: [] });
    } finally {
      warn.mockRestore();
    }
  });
});
