import { codeForStatus, retryAfterMs } from "../../providers/provider-http";
import { ProviderError, type ProviderContext, type ProviderErrorCode, type ProviderId, type Usage } from "../../providers/provider";

/**
 * The one interface post-production's background cleanup talks to for photos
 * that are not studio shots on a seamless backdrop (issue #5): a hosted
 * segmentation service cuts the subject out and returns a PNG with alpha.
 * Adapters: Photoroom, remove.bg (own keys) and BiRefNet on fal (the fal key).
 * Unlike generation, a removal is one synchronous call (fal's queue is polled
 * inside `remove`), and failed calls are free at all three.
 */

import type { RemovalProviderId } from "./removal-providers";

export { REMOVAL_PROVIDER_IDS, type RemovalProviderId } from "./removal-providers";

export interface RemovalInput {
  bytes: Buffer;
  contentType: string;
  /** a URL the provider can fetch (signed asset URL); required by fal */
  imageUrl?: string;
}

export interface RemovalResult {
  /** PNG with an alpha channel. */
  bytes: Buffer;
  contentType: string;
  usage: Usage;
}

export interface BackgroundRemover {
  id: RemovalProviderId;
  label: string;
  /** What one removal should cost, for the cost ledger's reservation. */
  estimate(): Usage;
  /**
   * Cuts the subject out. Throws ProviderError with the code and retryable flag
   * of what went wrong; `canceled` when `signal` aborted the call.
   */
  remove(input: RemovalInput, options?: { signal?: AbortSignal }): Promise<RemovalResult>;
}

/** An adapter as its factory builds it: the remover plus the Settings "Test connection" probe. */
export interface TestableRemover extends BackgroundRemover {
  testConnection(): Promise<{ ok: true } | { ok: false; message: string }>;
}

/**
 * ProviderError names its provider with a generation ProviderId. Photoroom and
 * remove.bg are not generation providers, so their errors carry their own id
 * through this one cast (fal BiRefNet's errors say "fal", which is true); the
 * pipeline reads `code` and `retryable`, never switches on `provider`.
 */
export function errorSource(id: "photoroom" | "removebg"): ProviderId {
  return id as unknown as ProviderId;
}

export const PNG_CONTENT_TYPE = "image/png";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngHeader {
  width: number;
  height: number;
  /** IHDR colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  /** An alpha channel (types 4, 6) or a tRNS chunk before the image data. */
  hasAlpha: boolean;
}

/** Reads a PNG's header chunks without decoding it; null when the bytes are not a well-formed PNG start. */
export function inspectPng(bytes: Buffer): PngHeader | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString("latin1", 12, 16) !== "IHDR") return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const colorType = bytes[25];
  if (width === 0 || height === 0 || ![0, 2, 3, 4, 6].includes(colorType)) return null;
  let hasAlpha = colorType === 4 || colorType === 6;
  // Walk the chunks after IHDR up to the image data, looking for transparency.
  for (let offset = 33; !hasAlpha && offset + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    if (type === "IDAT" || type === "IEND") break;
    if (type === "tRNS") hasAlpha = true;
    offset += 12 + length;
  }
  return { width, height, colorType, hasAlpha };
}

/** A provider's 200 must be a PNG with transparency; anything else broke the contract (bad_response, retryable). */
export function requireCutout(source: ProviderId, label: string, bytes: Buffer): PngHeader {
  const png = inspectPng(bytes);
  if (!png) throw new ProviderError(source, "bad_response", `${label} answered 200 without a PNG (${bytes.length} bytes starting ${JSON.stringify(bytes.subarray(0, 8).toString("latin1"))})`);
  if (!png.hasAlpha) throw new ProviderError(source, "bad_response", `${label} answered a PNG without transparency (colour type ${png.colorType}): the background was not removed`);
  return png;
}

/** The input the services accept: some image bytes with an image content type. Checked before any call is paid for. */
export function checkRemovalInput(source: ProviderId, label: string, input: RemovalInput): void {
  if (input.bytes.length === 0) throw new ProviderError(source, "invalid_input", `${label} needs the image's bytes: the file is empty`);
  if (!/^image\/[a-z0-9.+-]+$/i.test(input.contentType)) throw new ProviderError(source, "invalid_input", `${label} takes images, not ${input.contentType || "an unknown type"}`);
}

/** "image/jpeg" → "image.jpg": the services read the format from the bytes, the name only has to look right. */
export function uploadFileName(contentType: string): string {
  const subtype = contentType.split("/")[1]?.toLowerCase().replace(/\+.*$/, "") ?? "bin";
  return `image.${subtype === "jpeg" ? "jpg" : subtype}`;
}

/**
 * When a 429 may be retried: Retry-After (seconds or an HTTP date), else
 * X-RateLimit-Reset (Unix seconds, remove.bg's rate-limit headers).
 */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const after = retryAfterMs(headers.get("retry-after"), now);
  if (after !== undefined) return after;
  const reset = Number(headers.get("x-ratelimit-reset") ?? "");
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** The context with the caller's abort signal joined to every request's own (timeout) signal. */
export function withCallerSignal(ctx: ProviderContext, signal: AbortSignal | undefined): ProviderContext {
  if (!signal) return ctx;
  return { ...ctx, fetch: (input, init) => ctx.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }) };
}

export function canceledError(source: ProviderId, label: string): ProviderError {
  return new ProviderError(source, "canceled", `${label} background removal was cancelled before it finished`);
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** app/net's RemoteFetchError codes that no retry can fix (as in provider-http). */
const POLICY_REFUSALS = new Set(["forbidden_scheme", "forbidden_address", "too_large", "too_many_redirects"]);

export type ClassifyRemovalError = (status: number, body: unknown) => { code: ProviderErrorCode; message: string; providerCode?: string } | undefined;

export interface ImageCall {
  url: string;
  headers: Record<string, string>;
  body: FormData;
  signal?: AbortSignal;
}

/**
 * One multipart POST that answers image bytes (Photoroom, remove.bg). This is
 * provider-http's providerRequest for binary answers, which it cannot carry
 * (it reads bodies as text): the same timeout, the same mapping of transport
 * failures, errors read as JSON and classified by the adapter.
 */
export async function postForImage(source: ProviderId, label: string, ctx: ProviderContext, call: ImageCall, classify: ClassifyRemovalError): Promise<{ bytes: Buffer; headers: Headers; contentType: string }> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let bytes: Buffer;
  try {
    response = await ctx.fetch(call.url, { method: "POST", headers: call.headers, body: call.body, signal: call.signal ? AbortSignal.any([timeout, call.signal]) : timeout });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    if (call.signal?.aborted) throw canceledError(source, label);
    throw transportFailure(source, label, timeoutMs, error);
  }
  const contentType = response.headers.get("content-type") ?? "";
  if (!response.ok) {
    let body: unknown = bytes.toString("utf8");
    if (contentType.includes("json")) {
      try {
        body = JSON.parse(body as string);
      } catch {
        // Kept as text: the status still says what happened.
      }
    }
    const specific = classify(response.status, body);
    const text = typeof body === "string" && body ? `: ${body.slice(0, 200)}` : "";
    throw new ProviderError(source, specific?.code ?? codeForStatus(response.status), specific?.message ?? `${label} answered HTTP ${response.status}${text}`, {
      status: response.status,
      retryAfterMs: rateLimitWaitMs(response.headers),
      providerCode: specific?.providerCode,
    });
  }
  return { bytes, headers: response.headers, contentType };
}

function transportFailure(source: ProviderId, label: string, timeoutMs: number, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || name === "AbortError") return new ProviderError(source, "timeout", `${label} did not answer within ${timeoutMs} ms`);
  const policyCode = name === "RemoteFetchError" ? (error as { code?: string }).code : undefined;
  if (policyCode === "timeout") return new ProviderError(source, "timeout", `${label} did not answer: ${message}`);
  if (policyCode && POLICY_REFUSALS.has(policyCode)) return new ProviderError(source, "invalid_input", `${label} request refused by the fetch policy: ${message}`, { providerCode: policyCode });
  return new ProviderError(source, "server_error", `${label} could not be reached: ${message}`);
}
