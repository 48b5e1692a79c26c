import type { ProviderId } from "../app/providers/provider";

/**
 * Per-provider worker settings. `concurrency` is how many of a provider's jobs
 * one worker keeps in flight (most of a job's time is spent polling, so this is
 * really "jobs running at the provider"); `limiter` caps submissions and polls
 * per window across all workers (BullMQ's queue-wide rate limit).
 * FASHN: 50 requests/min on the entry plan; fal and Replicate allow more;
 * ComfyUI is one self-hosted GPU; Runway's gen4 tiers allow a handful of
 * concurrent tasks. The demo provider renders on this machine's CPU.
 */
export const PROVIDER_LIMITS: Record<ProviderId, { concurrency: number; limiter?: { max: number; duration: number } }> = {
  demo: { concurrency: 4 },
  fashn: { concurrency: 6, limiter: { max: 50, duration: 60_000 } },
  fal: { concurrency: 8, limiter: { max: 120, duration: 60_000 } },
  replicate: { concurrency: 8, limiter: { max: 600, duration: 60_000 } },
  comfyui: { concurrency: 1 },
  runway: { concurrency: 2, limiter: { max: 30, duration: 60_000 } },
};
