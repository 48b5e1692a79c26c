/**
 * glibc malloc settings for the worker process (ADR 0017). Post-production
 * allocates tens of megabytes per image (a 12-megapixel master is 36 MB raw);
 * with glibc's defaults each of those is mmap'd and unmapped again, so every
 * image pays for ~50,000 fresh page faults and the kernel zeroing them (about
 * 150 ms of system time per master here). Serving them from the heap and
 * keeping freed memory for the next image cuts that to ~25 ms and lifts
 * throughput by about a third, for a steady RSS of about 1 GB.
 * glibc reads these only at process start, so they are set where the worker is
 * spawned (npm run worker, the demo stack, the post-production benchmark).
 */
export const WORKER_MALLOC_ENV = {
  /** Allocations up to 64 MB come from the heap, not a fresh mapping. */
  MALLOC_MMAP_THRESHOLD_: "67108864",
  /** Keep up to 256 MB of freed heap for the next image instead of returning it at once. */
  MALLOC_TRIM_THRESHOLD_: "268435456",
} as const;
