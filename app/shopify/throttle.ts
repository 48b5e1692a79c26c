export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost?: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * How long to wait before a query of `requestedQueryCost` fits in the bucket,
 * from the throttle status Shopify returned. Without a status (unexpected
 * answer) wait one second, which is one restore period on every plan.
 */
export function throttleWaitMs(cost: QueryCost | null, nextRequestedCost?: number): number {
  if (!cost) return 1000;
  const needed = nextRequestedCost ?? cost.requestedQueryCost;
  const { currentlyAvailable, restoreRate, maximumAvailable } = cost.throttleStatus;
  const target = Math.min(needed, maximumAvailable);
  if (currentlyAvailable >= target) return 0;
  const rate = restoreRate > 0 ? restoreRate : 50;
  // +50 ms: the bucket refills continuously; a little slack avoids a second THROTTLED.
  return Math.ceil(((target - currentlyAvailable) / rate) * 1000) + 50;
}
