/**
 * The one interface every generation provider implements (FASHN, fal,
 * Replicate, ComfyUI, Runway and the local demo provider). The production
 * pipeline only ever talks to this interface; adapters turn it into each
 * provider's HTTP contract (../shared/PLATFORM.md).
 *
 * A generation is two steps so that a crash between them never pays twice:
 * `submit` returns the provider's job handle, the caller stores it in the
 * database, and only then `poll`s it (again after a restart).
 */

export type ProviderId = "fashn" | "fal" | "replicate" | "comfyui" | "runway" | "demo";

export const PROVIDER_IDS: readonly ProviderId[] = ["fashn", "fal", "replicate", "comfyui", "runway", "demo"];

/** What a provider is asked to make. */
export type GenerationOperation = "product-to-model" | "try-on" | "image-to-video";

export interface GenerationRequest {
  operation: GenerationOperation;
  /** Provider-specific model: "tryon-v1.6", "fal-ai/kling-video/v2.1/standard/image-to-video", a Replicate version id, "gen4_turbo", a ComfyUI workflow name, "demo-compose". */
  model: string;
  /** The garment (flat-lay or packshot) for images; the source still for video. Fetchable by the provider. */
  sourceImageUrl: string;
  /** The brand's virtual model (recipe model reference), when the operation uses one. */
  modelImageUrl?: string;
  prompt: string;
  negativePrompt?: string;
  /** Fixed seed from the recipe's seed policy; absent means the provider chooses. */
  seed?: number;
  /** Garment category hint for try-on (tops, bottoms, one-pieces, auto). */
  garmentCategory?: "auto" | "tops" | "bottoms" | "one-pieces";
  /** Which view this candidate is for (front, back, side, detail …) and the pose preset. */
  view?: string;
  pose?: string;
  lighting?: string;
  background?: string;
  /** Video only. */
  durationSeconds?: number;
  aspectRatio?: string;
  /** Output format wanted for images. */
  outputFormat?: "png" | "jpeg";
  /** Provider-specific extras from the recipe, e.g. a ComfyUI API-format graph template, LoRA name, strength. */
  extra?: Record<string, unknown>;
  /** Where the provider may call back (Replicate, FASHN); optional, polling always works. */
  webhookUrl?: string;
}

/** The provider's handle for a submitted job: stored in the database before any poll. */
export interface SubmittedJob {
  providerJobId: string;
  /** Adapter-specific values needed to poll or cancel later (fal's status/response URLs …). Never secrets. */
  handle: Record<string, string>;
}

/** One finished output: a URL to download at once (they expire), or bytes the adapter already holds. */
export type ProviderOutput =
  | { kind: "url"; url: string; contentType?: string }
  | { kind: "bytes"; bytes: Buffer; contentType: string };

export interface Usage {
  /** What the provider bills in: "credit", "image", "second", "gpu-second". */
  unit: string;
  units: number;
  /** Cost in micro-US-dollars (1 USD = 1,000,000), so sums stay exact integers. */
  costMicros: number;
}

export type PollResult =
  | { state: "pending"; progress?: number; retryAfterMs?: number }
  | { state: "succeeded"; outputs: ProviderOutput[]; usage: Usage }
  | { state: "failed"; error: ProviderError; usage?: Usage };

/** Why a provider call failed, and whether trying again can help. */
export type ProviderErrorCode =
  | "rate_limited" // 429 / concurrency limit: retry after a wait
  | "server_error" // 5xx, provider pipeline or third-party hiccup: retry
  | "timeout" // no answer in time: retry (poll again; never resubmit blindly)
  | "moderation" // content refused: do not retry
  | "invalid_input" // 400/422, bad image, pose error: do not retry
  | "out_of_credits" // account empty: do not retry, tell the merchant
  | "auth" // 401/403, wrong key: do not retry, fix Settings
  | "not_found" // job or model unknown
  | "expired_result" // output URL gone before download
  | "canceled"
  | "bad_response"; // answer did not match the contract

const RETRYABLE: ReadonlySet<ProviderErrorCode> = new Set(["rate_limited", "server_error", "timeout", "expired_result", "bad_response"]);

export class ProviderError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly provider: ProviderId,
    readonly code: ProviderErrorCode,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; providerCode?: string } = {},
  ) {
    super(message);
    this.name = "ProviderError";
    this.retryable = RETRYABLE.has(code);
  }
}

/** Per-shop settings an adapter is built with. `apiKey` is decrypted only in memory, never logged or queued. */
export interface ProviderConfig {
  /** The API's base URL: the real one in production, a local double in tests, nothing else differs. */
  baseUrl: string;
  apiKey: string;
  /** Replicate's `whsec_…` signing secret, when webhooks are used. */
  webhookSecret?: string;
}

/** fetch as adapters use it; production passes the policy-enforcing fetch (app/net). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface ProviderContext {
  fetch: FetchLike;
  /** Per-request timeout for API calls. */
  timeoutMs?: number;
}

export interface GenerationProvider {
  readonly id: ProviderId;
  /** Shown to merchants. The demo provider says so plainly. */
  readonly label: string;
  readonly isDemo: boolean;
  readonly operations: readonly GenerationOperation[];
  submit(request: GenerationRequest): Promise<SubmittedJob>;
  poll(job: SubmittedJob): Promise<PollResult>;
  cancel(job: SubmittedJob): Promise<void>;
  /** The cheapest authenticated call, for the Settings "Test connection" button. */
  testConnection(): Promise<{ ok: true } | { ok: false; message: string }>;
  /** What one call should cost, checked against budgets before submitting. */
  estimate(request: GenerationRequest): Usage;
}
