/**
 * Shopify's leaky bucket of query cost, one per app per shop: it holds up to
 * `maximumAvailable` points and refills continuously at `restoreRate` per
 * second. Pure functions over a state value; the clock is an argument.
 */
export interface BucketState {
  maximumAvailable: number;
  restoreRate: number;
  currentlyAvailable: number;
  /** Epoch ms of the last refill. */
  updatedAt: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export function fullBucket(limits: { maximumAvailable: number; restoreRate: number }, now: number): BucketState {
  return { ...limits, currentlyAvailable: limits.maximumAvailable, updatedAt: now };
}

/** The bucket at `now`, refilled for the time elapsed since its last update. */
export function refill(bucket: BucketState, now: number): BucketState {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  return { ...bucket, currentlyAvailable: Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + elapsed * bucket.restoreRate), updatedAt: now };
}

/**
 * Takes `cost` points if the bucket holds them (after refilling); otherwise
 * leaves it as it is and reports throttled.
 */
export function take(bucket: BucketState, cost: number, now: number): { bucket: BucketState; throttled: boolean } {
  const current = refill(bucket, now);
  if (cost > current.currentlyAvailable) return { bucket: current, throttled: true };
  return { bucket: { ...current, currentlyAvailable: current.currentlyAvailable - cost }, throttled: false };
}

/** Gives back points charged up front but not used (requested minus actual cost). */
export function giveBack(bucket: BucketState, points: number, now: number): BucketState {
  const current = refill(bucket, now);
  return { ...current, currentlyAvailable: Math.min(current.maximumAvailable, current.currentlyAvailable + Math.max(0, points)) };
}

/** Sets the level (tests drain the bucket), clamped to [0, maximumAvailable]. */
export function setLevel(bucket: BucketState, currentlyAvailable: number, now: number): BucketState {
  return { ...bucket, currentlyAvailable: Math.max(0, Math.min(currentlyAvailable, bucket.maximumAvailable)), updatedAt: now };
}

/** What responses report: whole points, as Shopify shows them. */
export function throttleStatus(bucket: BucketState): ThrottleStatus {
  return { maximumAvailable: bucket.maximumAvailable, currentlyAvailable: Math.floor(bucket.currentlyAvailable), restoreRate: bucket.restoreRate };
}
