/**
 * The only way server code should fetch a URL it did not write itself:
 * provider results, product images, merchant-configured endpoints.
 *
 * - https only, unless the exact origin is on the caller's allow-list (the
 *   local doubles and emulator in tests and demo; production passes none);
 * - every address the host resolves to must be public (./ip-ranges.ts), and
 *   the socket is pinned to those vetted addresses through a custom `lookup`,
 *   so a second DNS answer (rebinding) can never be what we connect to;
 * - redirects are followed by hand, each hop checked the same way;
 * - a byte limit (Content-Length and the streamed body) and one deadline for
 *   the whole exchange, redirects and body included.
 *
 * Built on node:http(s) rather than undici because undici is only a
 * transitive dependency here; see docs of `createSafeFetch` for the
 * Response it returns.
 */

import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { z } from "zod";
import type { FetchLike } from "~/providers/provider";
import { nonPublicReason } from "./ip-ranges";

export type RemoteFetchErrorCode = "forbidden_scheme" | "forbidden_address" | "too_large" | "timeout" | "http_status" | "too_many_redirects" | "network";

export class RemoteFetchError extends Error {
  constructor(
    readonly code: RemoteFetchErrorCode,
    /** The host the failing request went to (or was refused for). */
    readonly host: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RemoteFetchError";
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injectable so tests never resolve real names. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchPolicy {
  /** Exact origins ("http://127.0.0.1:4010") exempt from the scheme and address rules. Production passes none. */
  allowOrigins?: string[];
  maxBytes: number;
  /** One deadline for the whole call: connection, redirects and body. */
  timeoutMs: number;
  /** Default 5. */
  maxRedirects?: number;
  lookup?: ResolveHost;
}

const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const policySchema = z.object({
  allowOrigins: z
    .array(z.string().url())
    .optional()
    // Normalise so "http://127.0.0.1:4010/" and "HTTP://127.0.0.1:4010" match the URL parser's origin.
    .transform((origins) => new Set((origins ?? []).map((origin) => new URL(origin).origin))),
  maxBytes: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
  maxRedirects: z.number().int().min(0).max(20).default(DEFAULT_MAX_REDIRECTS),
  lookup: z.custom<ResolveHost>((value) => typeof value === "function").optional(),
});

type ParsedPolicy = z.output<typeof policySchema>;

const systemLookup: ResolveHost = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** Refuses the URL or returns the addresses the connection may use. */
async function vetTarget(url: URL, policy: ParsedPolicy): Promise<ResolvedAddress[]> {
  const host = bareHost(url);
  const allowListed = policy.allowOrigins.has(url.origin);
  if (url.protocol !== "https:" && !(allowListed && url.protocol === "http:")) {
    throw new RemoteFetchError("forbidden_scheme", host, `${url.protocol}//${url.host} refused: only https URLs may be fetched (got ${url.protocol.replace(/:$/, "")})`);
  }
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (policy.lookup ?? systemLookup)(host);
    } catch (error) {
      throw new RemoteFetchError("network", host, `${host} could not be resolved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (addresses.length === 0) throw new RemoteFetchError("network", host, `${host} resolved to no addresses`);
  if (!allowListed) {
    // Every answer must be public: any private one means the name can steer us inside.
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason !== null) {
        throw new RemoteFetchError("forbidden_address", host, `${host} refused: it resolves to ${address} (${reason}); only public addresses may be fetched`);
      }
    }
  }
  return addresses;
}

/** A `lookup` for net.connect that answers with the vetted addresses whatever DNS would say now. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, addresses.map(({ address, family }) => ({ address, family })));
      return;
    }
    const wanted = options.family === 6 || options.family === "IPv6" ? 6 : options.family === 4 || options.family === "IPv4" ? 4 : 0;
    const pick = addresses.find((candidate) => wanted === 0 || candidate.family === wanted) ?? addresses[0];
    callback(null, pick.address, pick.family);
  };
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
  url: URL;
}

interface OutgoingRequest {
  method: string;
  headers: Headers;
  body: Buffer | undefined;
}

function toHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** One HTTP exchange to an already vetted target; the body is read only when `readBody`. */
function exchange(url: URL, addresses: ResolvedAddress[], request: OutgoingRequest, policy: ParsedPolicy, signal: AbortSignal, readBody: boolean): Promise<RawResponse> {
  const host = bareHost(url);
  return new Promise<RawResponse>((resolve, reject) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (request.body) headers["content-length"] = String(request.body.length);
    const transport = url.protocol === "https:" ? https : http;
    const outgoing = transport.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        lookup: pinnedLookup(addresses),
        // A private agent per request: a pooled socket from elsewhere could have been connected without the pin.
        agent: false,
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const done = (body: Buffer) => resolve({ status, statusText: response.statusMessage ?? "", headers: toHeaders(response.headers), body, url });
        if (!readBody || request.method === "HEAD" || status === 204 || status === 304) {
          response.resume();
          done(Buffer.alloc(0));
          return;
        }
        const declared = Number(response.headers["content-length"]);
        if (Number.isFinite(declared) && declared > policy.maxBytes) {
          outgoing.destroy();
          reject(new RemoteFetchError("too_large", host, `${host} announced ${declared} bytes, more than the ${policy.maxBytes}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > policy.maxBytes) {
            outgoing.destroy();
            reject(new RemoteFetchError("too_large", host, `${host} sent more than the ${policy.maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => done(Buffer.concat(chunks)));
        response.on("error", reject);
        response.on("close", () => {
          if (!response.complete) reject(new RemoteFetchError("network", host, `${host} closed the connection before the body ended`));
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/** Whether a redirect hop turns the request into a bodiless GET, as browsers and fetch do. */
function redirectedRequest(status: number, from: URL, to: URL, request: OutgoingRequest): OutgoingRequest {
  const headers = new Headers(request.headers);
  let { method, body } = request;
  if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) headers.delete(name);
  }
  // Credentials meant for one origin never travel to another.
  if (from.origin !== to.origin) for (const name of ["authorization", "cookie", "proxy-authorization"]) headers.delete(name);
  return { method, headers, body };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Runs the request with the policy: vetting every hop, one deadline, optional manual redirects. */
async function run(start: URL, first: OutgoingRequest, policy: ParsedPolicy, options: { callerSignal?: AbortSignal | null; followRedirects: boolean }): Promise<RawResponse> {
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, policy.timeoutMs);
  const signal = options.callerSignal ? AbortSignal.any([deadline.signal, options.callerSignal]) : deadline.signal;
  let url = start;
  let request = first;
  try {
    for (let hops = 0; ; hops++) {
      // DNS cannot be cancelled, so the deadline races it.
      const addresses = await untilAborted(vetTarget(url, policy), signal);
      const response = await exchange(url, addresses, request, policy, signal, true);
      const location = response.headers.get("location");
      if (!options.followRedirects || !REDIRECT_STATUSES.has(response.status) || location === null) return response;
      if (hops >= policy.maxRedirects) {
        throw new RemoteFetchError("too_many_redirects", bareHost(url), `${bareHost(start)} redirected more than ${policy.maxRedirects} times (last hop ${url.host})`);
      }
      const next = new URL(location, url);
      request = redirectedRequest(response.status, url, next, request);
      url = next;
    }
  } catch (error) {
    if (timedOut) throw new RemoteFetchError("timeout", bareHost(url), `${bareHost(url)} did not finish within the ${policy.timeoutMs} ms limit`);
    // The caller's own abort keeps its reason (e.g. a TimeoutError from AbortSignal.timeout), as fetch would.
    if (options.callerSignal?.aborted) throw options.callerSignal.reason;
    if (error instanceof RemoteFetchError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new RemoteFetchError("network", bareHost(url), `${bareHost(url)} could not be fetched: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function toOutgoing(init: RequestInit | undefined): Promise<OutgoingRequest> {
  const headers = new Headers(init?.headers);
  const method = (init?.method ?? "GET").toUpperCase();
  let body: Buffer | undefined;
  if (init?.body !== undefined && init.body !== null) {
    // Let the platform serialise every BodyInit (FormData, URLSearchParams, Blob …) and pick its content type.
    const serialised = new Response(init.body);
    body = Buffer.from(await serialised.arrayBuffer());
    const type = serialised.headers.get("content-type");
    if (type !== null && !headers.has("content-type")) headers.set("content-type", type);
  }
  if (!headers.has("user-agent")) headers.set("user-agent", "Shotlane");
  return { method, headers, body };
}

function parseUrl(input: string | URL): URL {
  try {
    return new URL(input);
  } catch {
    throw new RemoteFetchError("forbidden_scheme", "", `not an absolute URL: ${String(input).slice(0, 200)}`);
  }
}

/**
 * A FetchLike that enforces the policy. The whole body is read (within
 * maxBytes) before the Response is returned, so every limit fails the call
 * itself rather than a later `.json()`; non-2xx statuses are returned as
 * fetch would, for the caller to classify. `redirect: "manual"` returns the
 * 3xx response unfollowed.
 */
export function createSafeFetch(policy: SafeFetchPolicy): FetchLike {
  const parsed = policySchema.parse(policy);
  return async (input, init) => {
    const url = parseUrl(input);
    const response = await run(url, await toOutgoing(init), parsed, {
      callerSignal: init?.signal,
      followRedirects: init?.redirect !== "manual",
    });
    const nullBody = response.status === 204 || response.status === 304 || (init?.method ?? "GET").toUpperCase() === "HEAD";
    const result = new Response(nullBody ? null : new Uint8Array(response.body), { status: response.status, statusText: response.statusText, headers: response.headers });
    // Response.url is normally set by fetch; callers use it to know where redirects ended.
    Object.defineProperty(result, "url", { value: response.url.href });
    return result;
  };
}

export interface DownloadedFile {
  bytes: Buffer;
  contentType: string | null;
  finalUrl: string;
}

/** GETs a URL under the policy; anything but a 2xx is a RemoteFetchError("http_status"). */
export async function downloadToBuffer(url: string | URL, policy: SafeFetchPolicy): Promise<DownloadedFile> {
  const parsed = policySchema.parse(policy);
  const start = parseUrl(url);
  const response = await run(start, await toOutgoing(undefined), parsed, { followRedirects: true });
  if (response.status < 200 || response.status > 299) {
    throw new RemoteFetchError("http_status", bareHost(response.url), `${bareHost(response.url)} answered ${response.status} ${response.statusText}`.trim(), response.status);
  }
  return { bytes: response.body, contentType: response.headers.get("content-type"), finalUrl: response.url.href };
}
