import { randomUUID } from "node:crypto";
import type http from "node:http";
import sharp, { type Sharp } from "sharp";
import { FailureSwitch, startDoubleServer, type DoubleServerOptions, type UploadCall } from "./double-server";
import { cutOutBackground, cutoutImage, fitPixels, readForm, type Cutout } from "./photoroom-double";

/**
 * A local remove.bg API (../../../shared/PLATFORM.md) for tests: `X-Api-Key`,
 * `image_file` / `image_file_b64` / `image_url` in multipart or JSON, the
 * `size`, `type`, `format`, `channels`, `crop` and `bg_color` fields, real
 * image bytes (a PNG with a real alpha cut-out by default) with
 * `X-Credits-Charged`, `X-Width`, `X-Height`, `X-Type` and `X-Foreground-*`
 * headers (or `{data: {result_b64, …}}` for `Accept: application/json`),
 * `{errors: [{title, code, detail}]}` errors, rate-limit headers on every
 * answer, and a credit balance that only successful calls use.
 *
 *   POST /v1.0/removebg  → 200 image | 400 | 402 insufficient_credits | 403 auth_failed | 429 rate_limit_exceeded | 500
 *   GET  /v1.0/account   → 200 {data: {attributes: {credits: {total, subscription, payg, enterprise}, api: {free_calls, sizes}}}}
 */

export type RemovebgRoute = "removebg" | "account";

export type RemovebgFault =
  | { kind: "rate-limited"; retryAfterSeconds?: number } // 429 with Retry-After (when given) and X-RateLimit-*
  | { kind: "server-error" } // 500
  | { kind: "unauthorized" } // 403 auth_failed even with the right key
  | { kind: "slow"; delayMs: number } // the normal answer, after delayMs
  | { kind: "malformed" } // 200 image/png whose body is not an image
  | { kind: "opaque" } // 200 a real PNG without alpha
  | { kind: "no-credits-header" }; // the normal 200 (charged), without X-Credits-Charged

export type RemovebgCall = UploadCall;

export interface RemovebgDoubleOptions extends DoubleServerOptions {
  apiKey?: string;
  /** Credits on the account (default 50). */
  credits?: number;
  /** Requests per minute before 429 (default 500, remove.bg's documented limit). */
  rateLimit?: number;
}

export interface RemovebgDouble {
  /** Use as the base URL (like https://api.remove.bg/v1.0). */
  url: string;
  apiKey: string;
  calls: RemovebgCall[];
  readonly submissions: number;
  /** Credits left; set it to run the account dry. */
  credits: number;
  /** What a result costs: previews (≤ 0.25 megapixels) and full-size ones. Change it to test other prices. */
  pricing: { preview: number; full: number };
  scenario: { failNext(route: RemovebgRoute, fault: RemovebgFault, times?: number): void; reset(): void };
  close(): Promise<void>;
}

const PREVIEW_SIZES = new Set(["preview", "small", "regular"]);
const FULL_SIZES = new Set(["medium", "hd", "full", "4k", "50MP"]);
const TYPES = new Set(["auto", "person", "product", "animal", "car", "car_interior", "car_part", "transportation", "graphics", "other"]);
const FORMATS: Record<string, { type: string; encode: (image: Sharp) => Sharp }> = {
  png: { type: "image/png", encode: (image) => image.png() },
  jpg: { type: "image/jpeg", encode: (image) => image.jpeg() },
  webp: { type: "image/webp", encode: (image) => image.webp() },
};

export async function startRemovebgDouble(options: RemovebgDoubleOptions = {}): Promise<RemovebgDouble> {
  const apiKey = options.apiKey ?? `rbg${randomUUID().replace(/-/g, "").slice(0, 21)}`;
  const rateLimit = options.rateLimit ?? 500;
  const calls: RemovebgCall[] = [];
  const faults = new FailureSwitch<RemovebgRoute, RemovebgFault>();
  const state = { credits: options.credits ?? 50, pricing: { preview: 0.25, full: 1 } };
  let window = { startedAt: Date.now(), used: 0 };

  /** Counts a request in the current one-minute window; false when the window is full. */
  function admit(): boolean {
    if (Date.now() - window.startedAt >= 60_000) window = { startedAt: Date.now(), used: 0 };
    if (window.used >= rateLimit) return false;
    window.used += 1;
    return true;
  }

  /** X-RateLimit-* as remove.bg sends them on every answer. */
  function rateHeaders(): Record<string, string> {
    return { "x-ratelimit-limit": String(rateLimit), "x-ratelimit-remaining": String(Math.max(0, rateLimit - window.used)), "x-ratelimit-reset": String(Math.ceil((window.startedAt + 60_000) / 1000)) };
  }

  function send(res: http.ServerResponse, call: RemovebgCall, status: number, body: unknown, headers: Record<string, string> = {}) {
    call.status = status;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...rateHeaders(), ...headers }).end(JSON.stringify(body));
  }

  const error = (res: http.ServerResponse, call: RemovebgCall, status: number, title: string, code?: string, detail?: string) => send(res, call, status, { errors: [{ title, ...(code ? { code } : {}), ...(detail ? { detail } : {}) }] });

  async function sourceBytes(fields: Record<string, string>, file: File | null): Promise<Buffer | string> {
    if (file) return Buffer.from(await file.arrayBuffer());
    if (fields.image_file_b64) return Buffer.from(fields.image_file_b64, "base64");
    const url = fields.image_url;
    if (!/^https?:\/\//.test(url)) return "invalid_image_url";
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return answer.ok ? Buffer.from(await answer.arrayBuffer()) : "failed_to_download";
    } catch {
      return "failed_to_download";
    }
  }

  async function removebg(res: http.ServerResponse, call: RemovebgCall, file: File | null, noCreditsHeader: boolean) {
    const { fields } = call;
    const sources = [file ? "image_file" : null, fields.image_file_b64 ? "image_file_b64" : null, fields.image_url ? "image_url" : null].filter(Boolean);
    if (sources.length === 0) return error(res, call, 400, "No image given", "missing_source", "Send image_file, image_file_b64 or image_url");
    if (sources.length > 1) return error(res, call, 400, "Multiple image sources given", "multiple_sources", `Send only one of ${sources.join(", ")}`);
    const size = fields.size ?? "preview";
    const format = fields.format ?? "auto";
    const channels = fields.channels ?? "rgba";
    if (!PREVIEW_SIZES.has(size) && !FULL_SIZES.has(size) && size !== "auto") return error(res, call, 400, "Invalid size parameter", "invalid_parameters", `size ${size} is not one of auto, preview, small, regular, medium, hd, full, 4k, 50MP`);
    if (fields.type !== undefined && !TYPES.has(fields.type)) return error(res, call, 400, "Invalid type parameter", "invalid_parameters");
    if (format === "zip") return error(res, call, 400, "The test double does not make ZIP results", "invalid_parameters");
    if (format !== "auto" && !FORMATS[format]) return error(res, call, 400, "Invalid format parameter", "invalid_parameters");
    if (channels !== "rgba" && channels !== "alpha") return error(res, call, 400, "Invalid channels parameter", "invalid_parameters");
    // auto picks the largest size the credits pay for.
    const full = FULL_SIZES.has(size) || (size === "auto" && state.credits >= state.pricing.full);
    const charge = full ? state.pricing.full : state.pricing.preview;
    if (state.credits < charge) return error(res, call, 402, "Insufficient credits", "insufficient_credits");

    const bytes = await sourceBytes(fields, file);
    if (typeof bytes === "string") return error(res, call, 400, bytes === "invalid_image_url" ? "Invalid image URL" : "Failed to download the image from image_url", bytes);
    let cutout: Cutout;
    try {
      cutout = await cutOutBackground(bytes);
    } catch {
      return error(res, call, 400, "Failed to read the supplied image", "unsupported_format", "Supported formats: JPG, PNG, WebP");
    }
    if (!cutout.box || cutout.foregroundPixels < cutout.width * cutout.height * 0.001) {
      return error(res, call, 400, "Could not identify foreground in image. For details and recommendations see https://www.remove.bg/supported-images.", "unknown_foreground");
    }
    let image = cutoutImage(cutout);
    let { width, height } = cutout;
    if (fields.crop === "true") {
      image = sharp(await image.extract(cutout.box).png().toBuffer());
      ({ width, height } = cutout.box);
    }
    image = fitPixels(image, width, height, full ? 25_000_000 : 250_000);
    if (channels === "alpha") image = sharp(await image.png().toBuffer()).extractChannel("alpha");
    else if (fields.bg_color) image = image.flatten({ background: /^[0-9a-f]{3,8}$/i.test(fields.bg_color) ? `#${fields.bg_color}` : fields.bg_color });
    // auto: PNG when the result has transparency, JPG otherwise.
    const chosen = format === "auto" ? (channels === "rgba" && !fields.bg_color ? "png" : "jpg") : format;
    if (chosen === "jpg" && channels === "rgba" && !fields.bg_color) image = image.flatten({ background: "#ffffff" });
    const { data: out, info } = await FORMATS[chosen].encode(image).toBuffer({ resolveWithObject: true });
    state.credits -= charge;

    const scale = info.width / width;
    const box = fields.crop === "true" ? { left: 0, top: 0, width: info.width, height: info.height } : { left: Math.round(cutout.box.left * scale), top: Math.round(cutout.box.top * scale), width: Math.round(cutout.box.width * scale), height: Math.round(cutout.box.height * scale) };
    const headers: Record<string, string> = {
      "x-type": fields.type && fields.type !== "auto" ? fields.type : "product",
      "x-width": String(info.width),
      "x-height": String(info.height),
      ...(noCreditsHeader ? {} : { "x-credits-charged": String(charge) }),
      "x-foreground-top": String(box.top),
      "x-foreground-left": String(box.left),
      "x-foreground-width": String(box.width),
      "x-foreground-height": String(box.height),
    };
    const accept = call.accept ?? "";
    if (accept.includes("application/json") && !accept.includes("image/")) {
      return send(res, call, 200, { data: { result_b64: out.toString("base64"), foreground_top: box.top, foreground_left: box.left, foreground_width: box.width, foreground_height: box.height } }, headers);
    }
    call.status = 200;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { "content-type": FORMATS[chosen].type, "content-length": String(out.length), ...rateHeaders(), ...headers }).end(out);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", server.origin);
    const { form, raw } = await readForm(req);
    const fields: Record<string, string> = {};
    let file: File | null = null;
    form?.forEach((value, name) => {
      if (typeof value === "string") fields[name] = value;
      else if (name === "image_file") file = value;
    });
    if (!form && (req.headers["content-type"] ?? "").includes("application/json") && raw.length > 0) {
      try {
        for (const [name, value] of Object.entries(JSON.parse(raw.toString("utf8")) as Record<string, unknown>)) fields[name] = String(value);
      } catch {
        // Left empty: the missing source answers 400 below.
      }
    }
    const header = req.headers["x-api-key"];
    const upload = file as File | null;
    const call: RemovebgCall = { method: req.method ?? "GET", path: url.pathname, apiKey: typeof header === "string" ? header : undefined, accept: req.headers.accept, fields, file: upload ? { name: upload.name, type: upload.type, size: upload.size } : undefined };
    calls.push(call);
    const route: RemovebgRoute | undefined = req.method === "POST" && url.pathname === "/v1.0/removebg" ? "removebg" : req.method === "GET" && url.pathname === "/v1.0/account" ? "account" : undefined;
    if (!route) return error(res, call, 404, "Not found");
    if (!admit()) {
      const wait = Math.max(1, Math.ceil((window.startedAt + 60_000 - Date.now()) / 1000));
      return send(res, call, 429, { errors: [{ title: "Rate limit exceeded", code: "rate_limit_exceeded" }] }, { "retry-after": String(wait) });
    }

    const fault = faults.take(route);
    if (fault?.kind === "slow") await server.sleep(fault.delayMs);
    else if (fault?.kind === "rate-limited") {
      return send(res, call, 429, { errors: [{ title: "Rate limit exceeded", code: "rate_limit_exceeded" }] }, fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds), "x-ratelimit-remaining": "0" } : { "x-ratelimit-remaining": "0" });
    } else if (fault?.kind === "server-error") return error(res, call, 500, "Internal server error (test double)");
    else if (fault?.kind === "unauthorized") return error(res, call, 403, "Forbidden: API Key invalid", "auth_failed");
    else if (fault?.kind === "malformed") {
      call.status = 200;
      res.writeHead(200, { "content-type": "image/png", "x-credits-charged": "1" }).end("not an image at all");
      return;
    } else if (fault?.kind === "opaque") {
      call.status = 200;
      res.writeHead(200, { "content-type": "image/png", "x-credits-charged": "1" }).end(await sharp({ create: { width: 32, height: 24, channels: 3, background: "#ffffff" } }).png().toBuffer());
      return;
    }

    if (!call.apiKey) return error(res, call, 403, "API Key missing", "auth_failed");
    if (call.apiKey !== apiKey) return error(res, call, 403, "Forbidden: API Key invalid", "auth_failed");
    if (route === "account") return send(res, call, 200, { data: { attributes: { credits: { total: state.credits, subscription: state.credits, payg: 0, enterprise: 0 }, api: { free_calls: 50, sizes: "all" } } } });
    return removebg(res, call, upload, fault?.kind === "no-credits-header");
  }

  const server = await startDoubleServer(handle, {
    port: options.port,
    onError(res, failure) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ title: String(failure) }] }));
    },
  });

  return {
    url: `${server.origin}/v1.0`,
    apiKey,
    calls,
    get submissions() {
      return calls.filter((c) => c.method === "POST").length;
    },
    get credits() {
      return state.credits;
    },
    set credits(value: number) {
      state.credits = value;
    },
    pricing: state.pricing,
    scenario: {
      failNext(route, fault, times = 1) {
        faults.add(route, fault, times);
      },
      reset() {
        faults.clear();
        state.pricing.preview = 0.25;
        state.pricing.full = 1;
      },
    },
    close: () => server.close(),
  };
}
