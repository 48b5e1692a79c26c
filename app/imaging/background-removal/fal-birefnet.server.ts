import { z } from "zod";
import { createFalQueue, falRequestFailed, type FalQueue, type FalQueuedRequest, type FalStatus } from "../../providers/fal.server";
import { downloadProviderOutput, parseProviderBody } from "../../providers/provider-http";
import { ProviderError, type ProviderConfig, type ProviderContext, type Usage } from "../../providers/provider";
import { canceledError, checkRemovalInput, PNG_CONTENT_TYPE, requireCutout, withCallerSignal, type TestableRemover } from "./background-remover";

/**
 * BiRefNet on fal's queue (`fal-ai/birefnet/v2`, ../../../shared/PLATFORM.md),
 * with the shop's fal key and the queue code the generation adapter uses
 * (app/providers/fal.server.ts). fal fetches the image itself, so the input
 * needs a URL fal can reach (a signed asset URL). `remove` submits once, polls
 * the returned status URL until COMPLETED, and downloads the PNG.
 */

export const FAL_BIREFNET_MODEL = "fal-ai/birefnet/v2";

/**
 * An assumption: fal bills BiRefNet by GPU time and its model page lists
 * "$0 per compute second" (a placeholder, not a price we can plan with). A
 * removal takes one to three GPU-seconds; $0.005 per image covers that at fal's
 * published GPU rates with room to spare.
 */
export const FAL_BIREFNET_MICROS_PER_IMAGE = 5_000;

const LABEL = "fal BiRefNet";

const resultSchema = z.object({
  image: z.object({ url: z.url(), width: z.number().int().positive().optional(), height: z.number().int().positive().optional(), content_type: z.string().optional() }),
});

export interface BirefnetTiming {
  /** First wait between status polls; it grows by half each poll up to `maxPollMs`. */
  pollMs: number;
  maxPollMs: number;
  /** How long one removal may take, queue included, before it is cancelled as a timeout. */
  maxWaitMs: number;
}

const DEFAULT_TIMING: BirefnetTiming = { pollMs: 250, maxPollMs: 2_000, maxWaitMs: 120_000 };

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

type Polled = { done: true; body: unknown } | { done: false; retryAfterMs?: number };

/** A 5xx, 429 or slow answer is about this poll, not the request: poll again (resubmitting would pay twice). */
function pollAgain(error: unknown): Polled {
  if (!(error instanceof ProviderError) || !error.retryable) throw error;
  return { done: false, retryAfterMs: error.options.retryAfterMs };
}

/** One status poll, and the output once the request completed; the request's own failure is thrown. */
async function pollOnce(queue: FalQueue, request: FalQueuedRequest): Promise<Polled> {
  let status: FalStatus;
  try {
    status = await queue.status(request.statusUrl);
  } catch (error) {
    return pollAgain(error);
  }
  if (status.status !== "COMPLETED") return { done: false };
  try {
    return { done: true, body: await queue.result(request.responseUrl) };
  } catch (error) {
    if (error instanceof ProviderError && falRequestFailed(status, error)) throw error;
    return pollAgain(error);
  }
}

export function createFalBirefnetRemover(config: ProviderConfig, ctx: ProviderContext, timing: Partial<BirefnetTiming> = {}): TestableRemover {
  const { pollMs, maxPollMs, maxWaitMs } = { ...DEFAULT_TIMING, ...timing };
  const usage: Usage = { unit: "image", units: 1, costMicros: FAL_BIREFNET_MICROS_PER_IMAGE };
  // Cancelling must still go out after the caller's signal aborted, so it uses the plain context.
  const plainQueue = createFalQueue(config, ctx);

  /** Polls until the request completes and returns its output; transient failures are polled through until the deadline. */
  async function waitForOutput(queue: FalQueue, request: FalQueuedRequest, deadline: number, signal: AbortSignal | undefined): Promise<unknown> {
    let wait = pollMs;
    for (;;) {
      const polled = await pollOnce(queue, request);
      if (signal?.aborted) throw canceledError("fal", LABEL);
      if (polled.done) return polled.body;
      const next = Math.max(wait, polled.retryAfterMs ?? 0);
      if (Date.now() + next > deadline) {
        // Given up on: cancelled (best effort), so fal does not run, or bill, it for nothing.
        await plainQueue.cancel(request.cancelUrl).catch(() => undefined);
        throw new ProviderError("fal", "timeout", `${LABEL} did not finish within ${Math.round(maxWaitMs / 1000)} s`);
      }
      await pause(next, signal);
      if (signal?.aborted) throw canceledError("fal", LABEL);
      wait = Math.min(maxPollMs, Math.round(wait * 1.5));
    }
  }

  return {
    id: "fal-birefnet",
    label: LABEL,

    estimate: () => ({ ...usage }),

    async remove(input, options = {}) {
      checkRemovalInput("fal", LABEL, input);
      if (!input.imageUrl) throw new ProviderError("fal", "invalid_input", `${LABEL} fetches the image itself: pass a URL it can reach (a signed asset URL) as imageUrl`);
      const { signal } = options;
      if (signal?.aborted) throw canceledError("fal", LABEL);
      const run = withCallerSignal(ctx, signal);
      const queue = createFalQueue(config, run);
      const deadline = Date.now() + maxWaitMs;
      let request: FalQueuedRequest | undefined;
      try {
        request = await queue.submit(FAL_BIREFNET_MODEL, { image_url: input.imageUrl, output_format: "png" });
        const body = await waitForOutput(queue, request, deadline, signal);
        const { image } = parseProviderBody("fal", resultSchema, body, "BiRefNet result");
        const { bytes } = await downloadProviderOutput("fal", run, { kind: "url", url: image.url, contentType: image.content_type });
        const png = requireCutout("fal", LABEL, bytes);
        if ((image.width !== undefined && image.width !== png.width) || (image.height !== undefined && image.height !== png.height)) {
          throw new ProviderError("fal", "bad_response", `${LABEL} said the result is ${image.width}×${image.height} but sent a ${png.width}×${png.height} PNG`);
        }
        return { bytes, contentType: PNG_CONTENT_TYPE, usage: { ...usage } };
      } catch (error) {
        if (!signal?.aborted) throw error;
        // The caller stopped waiting: the request is cancelled too (best effort).
        if (request) await plainQueue.cancel(request.cancelUrl).catch(() => undefined);
        throw canceledError("fal", LABEL);
      }
    },

    testConnection: () => plainQueue.testConnection(),
  };
}
