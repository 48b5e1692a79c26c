import type { ProviderId } from "../app/providers/provider";

/**
 * Per-provider worker settings. `concurrency` is how many of a provider's jobs
 * one worker keeps in flight (most of a job's time is spent polling, so this is
 * really "jobs running at the provider"); `limiter` caps how many jobs start per
 * window across all workers (BullMQ's queue-wide rate limit). A job submits once,
 * so that is the submission rate; a retried job starts again and counts again.
 * FASHN: 50 requests/min on the entry plan; fal and Replicate allow more;
 * ComfyUI is one self-hosted GPU; Runway's gen4 tiers allow a handful of
 * concurrent tasks. The demo provider renders on this machine's CPU, at most
 * two at a time (its own limit), so its queue concurrency only decides how many
 * jobs wait between polls: 4 left the render slots idle between 2 s polls; 12 keeps
 * them busy (bench/production.bench.ts: 1.32 → 1.63 candidates/s on 2 cores
 * under heavier load, same peak RSS, since renders stay at two).
 */
export const PROVIDER_LIMITS: Record<ProviderId, { concurrency: number; limiter?: { max: number; duration: number } }> = {
  demo: { concurrency: 12 },
  fashn: { concurrency: 6, limiter: { max: 50, duration: 60_000 } },
  fal: { concurrency: 8, limiter: { max: 120, duration: 60_000 } },
  replicate: { concurrency: 8, limiter: { max: 600, duration: 60_000 } },
  comfyui: { concurrency: 1 },
  runway: { concurrency: 2, limiter: { max: 30, duration: 60_000 } },
};
