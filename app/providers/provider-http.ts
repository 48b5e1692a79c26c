import type { z } from "zod";
import { ProviderError, type ProviderContext, type ProviderErrorCode, type ProviderId, type ProviderOutput } from "./provider";

const DEFAULT_TIMEOUT_MS = 30_000;

export interface ProviderCall {
  /** PUT is fal's queue cancel. */
  method?: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** JSON body (serialised here) or a ready body such as FormData. */
  json?: unknown;
  body?: BodyInit;
}

/** Retry-After in ms from seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The error code an HTTP status means when the body says nothing more specific. */
export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 402) return "out_of_credits";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "server_error";
  return "invalid_input";
}

/**
 * One HTTP call to a provider API: a timeout, and every failure turned into a
 * ProviderError that says whether a retry can help. `classify` lets an adapter
 * read its provider's error body (e.g. FASHN's OutOfCredits is a 429 that no
 * retry fixes).
 */
export async function providerRequest(
  provider: ProviderId,
  ctx: ProviderContext,
  call: ProviderCall,
  classify?: (status: number, body: unknown) => { code: ProviderErrorCode; message: string; providerCode?: string } | undefined,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { accept: "application/json", ...call.headers };
  let body = call.body;
  if (call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(call.json);
  }
  let response: Response;
  let text: string;
  try {
    // The timeout covers the body too: a provider can send headers and then stall.
    response = await ctx.fetch(call.url, { method: call.method ?? "GET", headers, body, signal: AbortSignal.timeout(ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    text = await response.text();
  } catch (error) {
    throw transportError(provider, ctx, error, "did not answer");
  }
  let parsed: unknown = text;
  if (text.length > 0 && (response.headers.get("content-type") ?? "").includes("json")) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProviderError(provider, "bad_response", `${provider} answered ${response.status} with malformed JSON`, { status: response.status });
    }
  }
  if (!response.ok) {
    const specific = classify?.(response.status, parsed);
    const code = specific?.code ?? codeForStatus(response.status);
    const message = specific?.message ?? `${provider} answered HTTP ${response.status}${typeof parsed === "string" && parsed ? `: ${parsed.slice(0, 200)}` : ""}`;
    throw new ProviderError(provider, code, message, { status: response.status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")), providerCode: specific?.providerCode });
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Codes of app/net's RemoteFetchError that no retry can fix: the URL or the answer breaks the fetch policy. */
const POLICY_REFUSALS = new Set(["forbidden_scheme", "forbidden_address", "too_large", "too_many_redirects"]);

/**
 * A failure before a whole HTTP answer arrived, as a ProviderError: a timeout
 * or a dropped connection may be retried; a URL the fetch policy refuses
 * (private address, not https, too large) is refused again on every retry.
 */
function transportError(provider: ProviderId, ctx: ProviderContext, error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || name === "AbortError") return new ProviderError(provider, "timeout", `${provider} ${what} within ${ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
  const policyCode = name === "RemoteFetchError" ? (error as { code?: string }).code : undefined;
  if (policyCode === "timeout") return new ProviderError(provider, "timeout", `${provider} ${what}: ${message}`);
  if (policyCode && POLICY_REFUSALS.has(policyCode)) return new ProviderError(provider, "invalid_input", `${provider} request refused by the fetch policy: ${message}`, { providerCode: policyCode });
  return new ProviderError(provider, "server_error", `${provider} could not be reached: ${message}`);
}

/**
 * The result of a "Test connection" probe: the cheapest authenticated call.
 * `missingMeansKeyWorks` is for probes that ask for a job that cannot exist:
 * the provider checks the key first (401) and only then looks the id up (404),
 * so a 404 proves the key works.
 */
export async function probeConnection(label: string, probe: () => Promise<unknown>, options: { missingMeansKeyWorks?: boolean } = {}): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    if (options.missingMeansKeyWorks) {
      if (error instanceof ProviderError && error.code === "not_found") return { ok: true };
      if (error instanceof ProviderError && error.code === "auth") return { ok: false, message: `${label} rejected the API key: check it in Settings` };
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    return { ok: false, message: error instanceof ProviderError ? error.message : `${label} could not be reached` };
  }
}

/** Parses a provider answer with its zod contract; a mismatch is a bad_response (retryable once the provider recovers). */
export function parseProviderBody<T>(provider: ProviderId, schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new ProviderError(provider, "bad_response", `${provider} ${what} did not match its contract (${fields})`);
  }
  return result.data;
}

/**
 * Downloads one finished output. Output URLs are public CDN links that expire
 * (FASHN after 72 h, Replicate after an hour), so 404/410 there means the result
 * is gone (expired_result), not that the job never existed. No API key is sent:
 * the CDN does not need it and it must not leave for another host.
 */
export async function downloadProviderOutput(provider: ProviderId, ctx: ProviderContext, output: ProviderOutput): Promise<{ bytes: Buffer; contentType: string }> {
  if (output.kind === "bytes") return { bytes: output.bytes, contentType: output.contentType };
  let response: Response;
  let bytes: Buffer;
  try {
    response = await ctx.fetch(output.url, { signal: AbortSignal.timeout(ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel();
      const code = response.status === 404 || response.status === 410 ? "expired_result" : codeForStatus(response.status);
      throw new ProviderError(provider, code, `${provider} output download answered HTTP ${response.status}`, { status: response.status, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
    }
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw transportError(provider, ctx, error, "output did not download");
  }
  return { bytes, contentType: response.headers.get("content-type") ?? output.contentType ?? "application/octet-stream" };
}
