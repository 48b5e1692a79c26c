import { randomUUID } from "node:crypto";
import type http from "node:http";
import sharp, { type Sharp } from "sharp";
import { FailureSwitch, startDoubleServer, type DoubleServerOptions, type UploadCall } from "./double-server";

/**
 * A local Photoroom Remove Background API (../../../shared/PLATFORM.md) for
 * tests: `x-api-key`, multipart `image_file` with Photoroom's `format`,
 * `channels`, `size`, `crop` and `bg_color` fields, answered with real image
 * bytes (a PNG with a real alpha cut-out by default), JSON errors, an image
 * balance that only successful calls use, and failure switches.
 *
 *   POST /v1/segment   → 200 image bytes | 400 {detail, status_code, type} | 401/403 | 402 | 429 | 500
 *   GET  /v2/account   → 200 {images: {available, subscription}, plan}   (image-api.photoroom.com in production)
 *
 * `cutOutBackground` is the stand-in segmentation model the remove.bg and
 * fal BiRefNet doubles share.
 */

export type PhotoroomRoute = "segment" | "account";

export type PhotoroomFault =
  | { kind: "rate-limited"; retryAfterSeconds?: number } // 429 {detail}
  | { kind: "server-error" } // 500 {detail}
  | { kind: "unauthorized" } // 403 even with the right key
  | { kind: "slow"; delayMs: number } // the normal answer, after delayMs
  | { kind: "malformed" } // 200 image/png whose body is an HTML error page
  | { kind: "opaque" }; // 200 a real PNG without alpha (the background was not removed)

export type PhotoroomCall = UploadCall;

export interface PhotoroomDoubleOptions extends DoubleServerOptions {
  apiKey?: string;
  /** Images left on the account (default 100); each successful segment uses one. */
  images?: number;
}

export interface PhotoroomDouble {
  /** Use as the base URL (like https://sdk.photoroom.com/v1). */
  url: string;
  apiKey: string;
  calls: PhotoroomCall[];
  /** POST /v1/segment calls received, answered or not. */
  readonly submissions: number;
  /** Images left; set it to run the account dry. */
  images: number;
  scenario: { failNext(route: PhotoroomRoute, fault: PhotoroomFault, times?: number): void; reset(): void };
  close(): Promise<void>;
}

export interface Cutout {
  /** Straight RGBA, row-major. */
  data: Buffer;
  width: number;
  height: number;
  /** Pixels at least half opaque. */
  foregroundPixels: number;
  /** The opaque pixels' bounding box; null when nothing was found. */
  box: { left: number; top: number; width: number; height: number } | null;
}

/**
 * The doubles' segmentation model: the backdrop of each row is taken to run
 * linearly from its left edge pixel to its right one (plain, gradient or
 * vignetted backdrops), and a pixel's alpha rises from 0 to 255 as its colour
 * moves 20 → 60 away from that. Real models do far better; this one is
 * deterministic and leaves real soft alpha on real bytes, as long as the
 * subject does not touch the left or right edge.
 */
export async function cutOutBackground(input: Buffer): Promise<Cutout> {
  const { data, info } = await sharp(input, { failOn: "error" }).autoOrient().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const out = Buffer.alloc(width * height * 4);
  let foregroundPixels = 0;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    const last = row + (width - 1) * 3;
    for (let x = 0; x < width; x++) {
      const t = width === 1 ? 0 : x / (width - 1);
      const i = row + x * 3;
      let distance = 0;
      for (let c = 0; c < 3; c++) {
        const backdrop = data[row + c] * (1 - t) + data[last + c] * t;
        distance += (data[i + c] - backdrop) ** 2;
      }
      const alpha = Math.round(Math.min(1, Math.max(0, (Math.sqrt(distance) - 20) / 40)) * 255);
      const o = (y * width + x) * 4;
      out[o] = data[i];
      out[o + 1] = data[i + 1];
      out[o + 2] = data[i + 2];
      out[o + 3] = alpha;
      if (alpha >= 128) {
        foregroundPixels += 1;
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return { data: out, width, height, foregroundPixels, box: right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 } };
}

/** The cut-out as a sharp pipeline, for the doubles to crop, resize and encode. */
export function cutoutImage(cutout: Cutout): Sharp {
  return sharp(cutout.data, { raw: { width: cutout.width, height: cutout.height, channels: 4 } });
}

/** Largest pixel count of each output size, like Photoroom's size presets (full keeps the input's). */
const SIZE_PIXELS: Record<string, number> = { preview: 250_000, medium: 1_500_000, hd: 4_000_000, full: Number.POSITIVE_INFINITY };
const FORMATS: Record<string, { type: string; encode: (image: Sharp) => Sharp }> = {
  png: { type: "image/png", encode: (image) => image.png() },
  jpg: { type: "image/jpeg", encode: (image) => image.jpeg() },
  webp: { type: "image/webp", encode: (image) => image.webp() },
};
const COLOR = /^(#?[0-9a-f]{6}([0-9a-f]{2})?|#?[0-9a-f]{3}|[a-z]+)$/i;

/** Scales an image down (never up) to at most `pixels` pixels. */
export function fitPixels(image: Sharp, width: number, height: number, pixels: number): Sharp {
  if (width * height <= pixels) return image;
  const scale = Math.sqrt(pixels / (width * height));
  return image.resize(Math.max(1, Math.floor(width * scale)), Math.max(1, Math.floor(height * scale)));
}

/** Reads a request body and, for multipart/form-data, its fields and files (undici's parser, as fetch uses). */
export async function readForm(req: http.IncomingMessage): Promise<{ form: FormData | null; raw: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return { form: null, raw };
  try {
    return { form: await new Response(raw, { headers: { "content-type": type } }).formData(), raw };
  } catch {
    return { form: null, raw };
  }
}

function color(value: string): string {
  return /^[0-9a-f]{3,8}$/i.test(value) ? `#${value}` : value;
}

export async function startPhotoroomDouble(options: PhotoroomDoubleOptions = {}): Promise<PhotoroomDouble> {
  const apiKey = options.apiKey ?? `sk_pr_test_${randomUUID().replace(/-/g, "")}`;
  const calls: PhotoroomCall[] = [];
  const faults = new FailureSwitch<PhotoroomRoute, PhotoroomFault>();
  const state = { images: options.images ?? 100 };

  function send(res: http.ServerResponse, call: PhotoroomCall, status: number, body: unknown, headers: Record<string, string> = {}) {
    call.status = status;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  }

  function sendBytes(res: http.ServerResponse, call: PhotoroomCall, type: string, bytes: Buffer) {
    call.status = 200;
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { "content-type": type, "content-length": String(bytes.length) }).end(bytes);
  }

  const badRequest = (res: http.ServerResponse, call: PhotoroomCall, detail: string) => send(res, call, 400, { detail, status_code: 400, type: "invalid_request_error" });

  async function segment(res: http.ServerResponse, call: PhotoroomCall, form: FormData | null) {
    if (!form) return badRequest(res, call, "The request must be multipart/form-data with an image_file field");
    const file = form.get("image_file");
    if (!(file instanceof File)) return badRequest(res, call, "image_file is required");
    const format = call.fields.format ?? "png";
    const channels = call.fields.channels ?? "rgba";
    const size = call.fields.size ?? "full";
    const crop = call.fields.crop ?? "false";
    const bgColor = call.fields.bg_color;
    if (!FORMATS[format]) return badRequest(res, call, `format must be one of png, jpg, webp (got ${format})`);
    if (channels !== "rgba" && channels !== "alpha") return badRequest(res, call, `channels must be rgba or alpha (got ${channels})`);
    if (SIZE_PIXELS[size] === undefined) return badRequest(res, call, `size must be one of preview, medium, hd, full (got ${size})`);
    if (crop !== "true" && crop !== "false") return badRequest(res, call, `crop must be true or false (got ${crop})`);
    if (bgColor !== undefined && !COLOR.test(bgColor)) return badRequest(res, call, `bg_color must be a hex colour or a colour name (got ${bgColor})`);
    if (state.images <= 0) return send(res, call, 402, { detail: "You have run out of images: upgrade your plan to continue.", status_code: 402, type: "payment_required" });
    let cutout: Cutout;
    try {
      cutout = await cutOutBackground(Buffer.from(await file.arrayBuffer()));
    } catch {
      return badRequest(res, call, "Could not decode the image: send a JPEG, PNG or WebP file");
    }
    let image = cutoutImage(cutout);
    let { width, height } = cutout;
    if (crop === "true" && cutout.box) {
      image = sharp(await image.extract(cutout.box).png().toBuffer());
      ({ width, height } = cutout.box);
    }
    image = fitPixels(image, width, height, SIZE_PIXELS[size]);
    if (channels === "alpha") image = sharp(await image.png().toBuffer()).extractChannel("alpha");
    else if (bgColor) image = image.flatten({ background: color(bgColor) });
    else if (format === "jpg") image = image.flatten({ background: "#ffffff" });
    const bytes = await FORMATS[format].encode(image).toBuffer();
    state.images -= 1;
    sendBytes(res, call, FORMATS[format].type, bytes);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", server.origin);
    const { form } = await readForm(req);
    const fields: Record<string, string> = {};
    let file: PhotoroomCall["file"];
    form?.forEach((value, name) => {
      if (typeof value === "string") fields[name] = value;
      else if (name === "image_file") file = { name: value.name, type: value.type, size: value.size };
    });
    const header = req.headers["x-api-key"];
    const call: PhotoroomCall = { method: req.method ?? "GET", path: url.pathname, apiKey: typeof header === "string" ? header : undefined, accept: req.headers.accept, fields, file };
    calls.push(call);
    const route: PhotoroomRoute | undefined = req.method === "POST" && url.pathname === "/v1/segment" ? "segment" : req.method === "GET" && url.pathname === "/v2/account" ? "account" : undefined;
    if (!route) return send(res, call, 404, { detail: "Not Found" });

    const fault = faults.take(route);
    if (fault?.kind === "slow") await server.sleep(fault.delayMs);
    else if (fault?.kind === "rate-limited") return send(res, call, 429, { detail: "Too many requests (test double)" }, fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {});
    else if (fault?.kind === "server-error") return send(res, call, 500, { detail: "Internal server error (test double)" });
    else if (fault?.kind === "unauthorized") return send(res, call, 403, { detail: "Invalid API key (test double)" });
    else if (fault?.kind === "malformed") {
      call.status = 200;
      res.writeHead(200, { "content-type": "image/png" }).end("<html><body>502 Bad Gateway</body></html>");
      return;
    } else if (fault?.kind === "opaque") {
      return sendBytes(res, call, "image/png", await sharp({ create: { width: 32, height: 24, channels: 3, background: "#ffffff" } }).png().toBuffer());
    }

    if (!call.apiKey) return send(res, call, 401, { detail: "Missing API key: send it in the x-api-key header" });
    if (call.apiKey !== apiKey) return send(res, call, 403, { detail: "Invalid API key" });
    if (route === "account") return send(res, call, 200, { images: { available: state.images, subscription: 100 }, plan: "basic" });
    return segment(res, call, form);
  }

  const server = await startDoubleServer(handle, {
    port: options.port,
    onError(res, error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: String(error) }));
    },
  });

  return {
    url: `${server.origin}/v1`,
    apiKey,
    calls,
    get submissions() {
      return calls.filter((c) => c.method === "POST").length;
    },
    get images() {
      return state.images;
    },
    set images(value: number) {
      state.images = value;
    },
    scenario: {
      failNext(route, fault, times = 1) {
        faults.add(route, fault, times);
      },
      reset() {
        faults.clear();
      },
    },
    close: () => server.close(),
  };
}
