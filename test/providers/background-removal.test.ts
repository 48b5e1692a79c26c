import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { saveProviderCredential } from "../../app/credentials/credentials.server";
import prisma from "../../app/db.server";
import type { BackgroundRemover, RemovalInput, RemovalProviderId } from "../../app/imaging/background-removal/background-remover";
import { REMOVAL_PROVIDER_IDS } from "../../app/imaging/background-removal/background-remover";
import { createFalBirefnetRemover, FAL_BIREFNET_MICROS_PER_IMAGE } from "../../app/imaging/background-removal/fal-birefnet.server";
import { createPhotoroomRemover, PHOTOROOM_MICROS_PER_IMAGE } from "../../app/imaging/background-removal/photoroom.server";
import { backgroundRemoverForShop, removerFromConfig } from "../../app/imaging/background-removal/registry.server";
import { createRemovebgRemover, REMOVEBG_MICROS_PER_CREDIT } from "../../app/imaging/background-removal/removebg.server";
import { fetchAllowOrigins, providerFetch, providerForShop, ProviderNotConfiguredError } from "../../app/providers/registry.server";
import { env } from "../../app/config/env";
import { startFalDouble, type FalDouble } from "../doubles/fal-double";
import { startPhotoroomDouble, type PhotoroomDouble } from "../doubles/photoroom-double";
import { startRemovebgDouble, type RemovebgDouble } from "../doubles/removebg-double";
import { testLoopbackPorts } from "../support/test-env";
import { rejection } from "./provider-test-support";

const SHOP = "background-removal.myshopify.com";
const WIDTH = 240;
const HEIGHT = 180;
const PRODUCT = { r: 200, g: 30, b: 40 };

/**
 * A product photo that is not a studio shot: a red product (a rounded box and
 * a handle) on a warm wooden-table gradient with a darker band, JPEG-encoded.
 */
async function productPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    <defs><linearGradient id="table" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#d8c3a0"/><stop offset="1" stop-color="#8c7150"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#table)"/>
    <rect y="130" width="100%" height="50" fill="#000" fill-opacity="0.12"/>
    <rect x="80" y="50" width="80" height="90" rx="10" fill="rgb(${PRODUCT.r},${PRODUCT.g},${PRODUCT.b})"/>
    <rect x="105" y="30" width="30" height="24" rx="6" fill="none" stroke="rgb(${PRODUCT.r},${PRODUCT.g},${PRODUCT.b})" stroke-width="6"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

/** Checks with sharp that the bytes are a PNG with a real cut-out: transparent backdrop, opaque product, soft edges. */
async function expectCutout(bytes: Buffer, size = { width: WIDTH, height: HEIGHT }) {
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.width, meta.height, meta.hasAlpha, meta.channels]).toEqual(["png", size.width, size.height, true, 4]);
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4));
  const sx = size.width / WIDTH;
  const sy = size.height / HEIGHT;
  for (const [x, y] of [[2, 2], [WIDTH - 3, 2], [2, HEIGHT - 3], [WIDTH - 3, HEIGHT - 3], [40, 90], [200, 90]]) expect(at(Math.round(x * sx), Math.round(y * sy))[3], `alpha at ${x},${y}`).toBe(0);
  const [r, g, b, a] = at(Math.round(120 * sx), Math.round(95 * sy));
  expect(a).toBe(255);
  expect(Math.abs(r - PRODUCT.r) + Math.abs(g - PRODUCT.g) + Math.abs(b - PRODUCT.b)).toBeLessThan(30);
  let soft = 0;
  let transparent = 0;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] === 0) transparent++;
    else if (data[i] < 255) soft++;
  }
  expect(transparent / (info.width * info.height)).toBeGreaterThan(0.5);
  expect(soft, "anti-aliased edges keep partial alpha").toBeGreaterThan(0);
}

let photo: Buffer;
let input: RemovalInput;
let photoroom: PhotoroomDouble;
let removebg: RemovebgDouble;
let fal: FalDouble;
/** Where fal's runner fetches images from: a plain server, as a signed asset URL would be. */
let imageHost: { url: string; server: http.Server; hits: number };

beforeAll(async () => {
  photo = await productPhoto();
  const [photoroomPort, removebgPort, falPort] = testLoopbackPorts();
  [photoroom, removebg, fal] = await Promise.all([startPhotoroomDouble({ port: photoroomPort }), startRemovebgDouble({ port: removebgPort }), startFalDouble({ port: falPort, pollsToComplete: 3 })]);
  const host = { url: "", hits: 0, server: http.createServer() };
  host.server.on("request", (req, res) => {
    host.hits++;
    if (req.url === "/files/product.jpg") res.writeHead(200, { "content-type": "image/jpeg" }).end(photo);
    else res.writeHead(404).end("Not Found");
  });
  await new Promise<void>((resolve) => host.server.listen(0, "127.0.0.1", resolve));
  host.url = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
  imageHost = host;
  input = { bytes: photo, contentType: "image/jpeg", imageUrl: `${imageHost.url}/files/product.jpg` };
  // The adapters use the policy-enforcing fetch; only the allow-listed test ports let it reach the doubles.
  expect(fetchAllowOrigins(env())).toEqual(expect.arrayContaining([photoroom, removebg, fal].map((d) => new URL(d.url).origin)));
});

afterAll(async () => {
  await Promise.all([photoroom?.close(), removebg?.close(), fal?.close(), new Promise<void>((resolve) => (imageHost ? imageHost.server.close(() => resolve()) : resolve()))]);
});

beforeEach(() => {
  for (const double of [photoroom, removebg, fal]) {
    double.scenario.reset();
    double.calls.length = 0;
  }
  photoroom.images = 100;
  removebg.credits = 50;
  imageHost.hits = 0;
});

const remover = (id: RemovalProviderId, apiKey?: string): BackgroundRemover => {
  const double = id === "photoroom" ? photoroom : id === "removebg" ? removebg : fal;
  return removerFromConfig(id, { apiKey: apiKey ?? double.apiKey, baseUrl: double.url });
};

/** The adapter with a short API timeout, for slow-answer tests. */
const quickCtx = () => ({ fetch: providerFetch(), timeoutMs: 250 });

describe("Photoroom adapter against the Photoroom double", () => {
  it("uploads the photo once with x-api-key and asks for a full-size RGBA PNG; the answer is a real cut-out at $0.02", async () => {
    const result = await remover("photoroom").remove(input);
    expect(photoroom.submissions).toBe(1);
    expect(photoroom.calls[0]).toMatchObject({ method: "POST", path: "/v1/segment", apiKey: photoroom.apiKey, status: 200, fields: { format: "png", channels: "rgba", size: "full", crop: "false" }, file: { type: "image/jpeg", size: photo.length } });
    expect(result.contentType).toBe("image/png");
    await expectCutout(result.bytes);
    expect(result.usage).toEqual({ unit: "image", units: 1, costMicros: PHOTOROOM_MICROS_PER_IMAGE });
    expect(remover("photoroom").estimate()).toEqual(result.usage);
    expect(photoroom.images).toBe(99);
  });

  it("maps each error to its code and retry advice, and failed calls use no images", async () => {
    const photoroomRemover = remover("photoroom");
    const bad = await rejection(photoroomRemover.remove({ bytes: Buffer.from("definitely not an image"), contentType: "image/png" }));
    expect(bad).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 400 } });
    expect(bad.message).toContain("Could not decode the image");

    photoroom.scenario.failNext("segment", { kind: "rate-limited", retryAfterSeconds: 4 });
    expect(await rejection(photoroomRemover.remove(input))).toMatchObject({ code: "rate_limited", retryable: true, options: { status: 429, retryAfterMs: 4_000 } });
    photoroom.scenario.failNext("segment", { kind: "server-error" });
    expect(await rejection(photoroomRemover.remove(input))).toMatchObject({ code: "server_error", retryable: true, options: { status: 500 } });
    photoroom.scenario.failNext("segment", { kind: "malformed" });
    expect(await rejection(photoroomRemover.remove(input))).toMatchObject({ code: "bad_response", retryable: true });
    photoroom.scenario.failNext("segment", { kind: "opaque" });
    expect((await rejection(photoroomRemover.remove(input))).message).toMatch(/without transparency/);
    expect(photoroom.images).toBe(100);

    photoroom.images = 0;
    const broke = await rejection(photoroomRemover.remove(input));
    expect(broke).toMatchObject({ code: "out_of_credits", retryable: false, options: { status: 402 } });
    expect(broke.message).toMatch(/no images left/);
    expect(photoroom.images).toBe(0);
  });

  it("a wrong or missing key is auth (not retryable) and never echoed", async () => {
    const wrong = await rejection(remover("photoroom", "sk_pr_wrong_0123456789").remove(input));
    expect(wrong).toMatchObject({ code: "auth", retryable: false, options: { status: 403 } });
    expect(wrong.message).not.toContain("sk_pr_wrong_0123456789");
    expect(await rejection(remover("photoroom", "").remove(input))).toMatchObject({ code: "auth", options: { status: 401 } });
    expect(photoroom.calls.map((c) => c.status)).toEqual([403, 401]);
  });

  it("times out a slow answer, and a caller's abort cancels the call", async () => {
    photoroom.scenario.failNext("segment", { kind: "slow", delayMs: 1_000 });
    const started = Date.now();
    expect(await rejection(createPhotoroomRemover({ apiKey: photoroom.apiKey, baseUrl: photoroom.url }, quickCtx()).remove(input))).toMatchObject({ code: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(900);

    photoroom.scenario.failNext("segment", { kind: "slow", delayMs: 1_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await rejection(remover("photoroom").remove(input, { signal: controller.signal }))).toMatchObject({ code: "canceled", retryable: false });
  });

  it("refuses an empty file or a non-image before calling Photoroom", async () => {
    expect(await rejection(remover("photoroom").remove({ bytes: Buffer.alloc(0), contentType: "image/png" }))).toMatchObject({ code: "invalid_input" });
    expect(await rejection(remover("photoroom").remove({ bytes: photo, contentType: "text/html" }))).toMatchObject({ code: "invalid_input" });
    expect(photoroom.submissions).toBe(0);
  });

  it("testConnection reads the free account endpoint: ok, a wrong key, an empty account", async () => {
    const photoroomRemover = createPhotoroomRemover({ apiKey: photoroom.apiKey, baseUrl: photoroom.url }, quickCtx());
    expect(await photoroomRemover.testConnection()).toEqual({ ok: true });
    expect(photoroom.calls[0]).toMatchObject({ method: "GET", path: "/v2/account", status: 200 });
    expect(await createPhotoroomRemover({ apiKey: "sk_pr_wrong_0123456789", baseUrl: photoroom.url }, quickCtx()).testConnection()).toEqual({ ok: false, message: "Photoroom rejected the API key: check it in Settings" });
    photoroom.images = 0;
    expect(await photoroomRemover.testConnection()).toEqual({ ok: false, message: expect.stringMatching(/no images left/) });
    expect(photoroom.submissions).toBe(0);
  });
});

describe("remove.bg adapter against the remove.bg double", () => {
  it("uploads with X-Api-Key, size=full and format=png; the cut-out is real and its cost comes from X-Credits-Charged", async () => {
    const result = await remover("removebg").remove(input);
    expect(removebg.submissions).toBe(1);
    expect(removebg.calls[0]).toMatchObject({ method: "POST", path: "/v1.0/removebg", apiKey: removebg.apiKey, status: 200, fields: { size: "full", format: "png", channels: "rgba" }, file: { type: "image/jpeg" } });
    await expectCutout(result.bytes);
    expect(result.usage).toEqual({ unit: "credit", units: 1, costMicros: REMOVEBG_MICROS_PER_CREDIT });
    expect(remover("removebg").estimate()).toEqual(result.usage);
    expect(removebg.credits).toBe(49);

    // Whatever remove.bg charges is what the ledger gets.
    removebg.pricing.full = 2;
    expect((await remover("removebg").remove(input)).usage).toEqual({ unit: "credit", units: 2, costMicros: 2 * REMOVEBG_MICROS_PER_CREDIT });
    expect(removebg.credits).toBe(47);
  });

  it("keeps a paid result whose credits header is missing, priced at the estimate", async () => {
    removebg.scenario.failNext("removebg", { kind: "no-credits-header" });
    const result = await remover("removebg").remove(input);
    await expectCutout(result.bytes);
    expect(result.usage).toEqual(remover("removebg").estimate());
  });

  it("maps 400/402/403/429/500 and off-contract answers, and failed calls cost no credits", async () => {
    const removebgRemover = remover("removebg");
    const plain = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#e8e4dc" } }).png().toBuffer();
    const nothing = await rejection(removebgRemover.remove({ bytes: plain, contentType: "image/png" }));
    expect(nothing).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 400, providerCode: "unknown_foreground" } });
    expect(nothing.message).toMatch(/^remove\.bg: Could not identify foreground/);
    expect(await rejection(removebgRemover.remove({ bytes: Buffer.from("GIF89a but not really"), contentType: "image/gif" }))).toMatchObject({ code: "invalid_input", options: { providerCode: "unsupported_format" } });

    removebg.scenario.failNext("removebg", { kind: "rate-limited", retryAfterSeconds: 2 });
    expect(await rejection(removebgRemover.remove(input))).toMatchObject({ code: "rate_limited", retryable: true, options: { status: 429, retryAfterMs: 2_000, providerCode: "rate_limit_exceeded" } });
    // Without Retry-After, the wait comes from X-RateLimit-Reset (the end of the minute window).
    removebg.scenario.failNext("removebg", { kind: "rate-limited" });
    const limited = await rejection(removebgRemover.remove(input));
    expect(limited.options.retryAfterMs).toBeGreaterThan(0);
    expect(limited.options.retryAfterMs).toBeLessThanOrEqual(61_000);
    removebg.scenario.failNext("removebg", { kind: "server-error" });
    expect(await rejection(removebgRemover.remove(input))).toMatchObject({ code: "server_error", retryable: true, options: { status: 500 } });
    removebg.scenario.failNext("removebg", { kind: "malformed" });
    expect(await rejection(removebgRemover.remove(input))).toMatchObject({ code: "bad_response", retryable: true });
    removebg.scenario.failNext("removebg", { kind: "opaque" });
    expect(await rejection(removebgRemover.remove(input))).toMatchObject({ code: "bad_response" });
    expect(removebg.credits).toBe(50);

    removebg.credits = 0.5;
    const broke = await rejection(removebgRemover.remove(input));
    expect(broke).toMatchObject({ code: "out_of_credits", retryable: false, options: { status: 402, providerCode: "insufficient_credits" } });
    expect(removebg.credits).toBe(0.5);
  });

  it("a wrong key is auth (403 auth_failed), not retryable, never echoed", async () => {
    const error = await rejection(remover("removebg", "rbg-wrong-key-0123456789").remove(input));
    expect(error).toMatchObject({ code: "auth", retryable: false, options: { status: 403, providerCode: "auth_failed" } });
    expect(error.message).not.toContain("rbg-wrong-key-0123456789");
  });

  it("the double answers JSON with result_b64 to Accept: application/json; the adapter asks for bytes", async () => {
    const body = new FormData();
    body.append("image_file", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "image.jpg");
    body.append("size", "preview");
    const answer = await fetch(`${removebg.url}/removebg`, { method: "POST", headers: { "x-api-key": removebg.apiKey, accept: "application/json" }, body });
    expect(answer.headers.get("x-credits-charged")).toBe("0.25");
    const json = (await answer.json()) as { data: { result_b64: string } };
    const meta = await sharp(Buffer.from(json.data.result_b64, "base64")).metadata();
    expect([meta.format, meta.hasAlpha, (meta.width ?? 0) * (meta.height ?? 0) <= 250_000]).toEqual(["png", true, true]);
    await remover("removebg").remove(input);
    expect(removebg.calls.at(-1)?.accept).toBe("image/png");
  });

  it("testConnection reads GET /account: ok, a wrong key, no credits", async () => {
    const removebgRemover = createRemovebgRemover({ apiKey: removebg.apiKey, baseUrl: removebg.url }, quickCtx());
    expect(await removebgRemover.testConnection()).toEqual({ ok: true });
    expect(removebg.calls[0]).toMatchObject({ method: "GET", path: "/v1.0/account", status: 200 });
    expect(await createRemovebgRemover({ apiKey: "rbg-wrong-key-0123456789", baseUrl: removebg.url }, quickCtx()).testConnection()).toEqual({ ok: false, message: "remove.bg rejected the API key: check it in Settings" });
    removebg.credits = 0;
    expect(await removebgRemover.testConnection()).toEqual({ ok: false, message: expect.stringMatching(/has 0 credits/) });
    expect(removebg.submissions).toBe(0);
  });
});

describe("fal BiRefNet adapter against the fal queue double", () => {
  it("submits the signed URL once with Key auth, polls the returned URLs, and downloads a real cut-out", async () => {
    const result = await remover("fal-birefnet").remove(input);
    expect(fal.submissions).toBe(1);
    expect(fal.calls[0]).toMatchObject({ method: "POST", path: "/fal-ai/birefnet/v2", authorization: `Key ${fal.apiKey}`, body: { image_url: input.imageUrl, output_format: "png" } });
    // fal's runner fetched the image itself; the queue URLs drop the model's sub-path.
    expect(imageHost.hits).toBe(1);
    expect(fal.calls.slice(1).map((c) => [c.method, c.path.replace(/requests\/[^/]+/, "requests/ID").replace(/files\/[^/]+/, "files/ID"), c.status])).toEqual([
      ["GET", "/fal-ai/birefnet/requests/ID/status", 202],
      ["GET", "/fal-ai/birefnet/requests/ID/status", 202],
      ["GET", "/fal-ai/birefnet/requests/ID/status", 200],
      ["GET", "/fal-ai/birefnet/requests/ID", 200],
      ["GET", "/files/ID/cutout.png", 200],
    ]);
    await expectCutout(result.bytes);
    expect(result.usage).toEqual({ unit: "image", units: 1, costMicros: FAL_BIREFNET_MICROS_PER_IMAGE });
    expect(remover("fal-birefnet").estimate()).toEqual(result.usage);
  });

  it("needs a URL fal can fetch, and reports one it cannot load as invalid_input", async () => {
    expect(await rejection(remover("fal-birefnet").remove({ bytes: photo, contentType: "image/jpeg" }))).toMatchObject({ code: "invalid_input", retryable: false });
    expect(fal.submissions).toBe(0);

    const missing = await rejection(remover("fal-birefnet").remove({ ...input, imageUrl: `${imageHost.url}/files/gone.jpg` }));
    expect(missing).toMatchObject({ code: "invalid_input", retryable: false, options: { status: 422, providerCode: "file_download_error" } });
    expect(missing.message).toContain("image_url");
    expect(fal.submissions).toBe(1);
  });

  it("polls through transient status and result failures without submitting again", async () => {
    fal.scenario.failNext("status", { kind: "server-error" });
    fal.scenario.failNext("result", { kind: "rate-limited", retryAfterSeconds: 0 });
    const quick = createFalBirefnetRemover({ apiKey: fal.apiKey, baseUrl: fal.url }, { fetch: providerFetch(), timeoutMs: 2_000 }, { pollMs: 20 });
    await expectCutout((await quick.remove(input)).bytes);
    expect(fal.submissions).toBe(1);
    expect(fal.calls.filter((c) => c.status === 500 || c.status === 429)).toHaveLength(2);
  });

  it("a runner failure is a retryable server_error; a wrong key is auth", async () => {
    fal.scenario.failJobs({ kind: "runner-error" });
    expect(await rejection(remover("fal-birefnet").remove(input))).toMatchObject({ code: "server_error", retryable: true, options: { status: 503 } });
    const wrong = await rejection(remover("fal-birefnet", "fal-wrong:secret").remove(input));
    expect(wrong).toMatchObject({ code: "auth", retryable: false, options: { status: 401 } });
    expect(wrong.message).not.toContain("fal-wrong:secret");
  });

  it("gives up at its deadline and cancels the request; a caller's abort cancels it too", async () => {
    const quick = createFalBirefnetRemover({ apiKey: fal.apiKey, baseUrl: fal.url }, quickCtx(), { pollMs: 20, maxPollMs: 20, maxWaitMs: 600 });
    fal.scenario.failNext("status", { kind: "slow", delayMs: 1_000 }, 10);
    expect(await rejection(quick.remove(input))).toMatchObject({ code: "timeout", retryable: true });
    expect(fal.calls.at(-1)).toMatchObject({ method: "PUT", path: expect.stringMatching(/^\/fal-ai\/birefnet\/requests\/[^/]+\/cancel$/), status: 202 });
    expect(fal.submissions).toBe(1);

    fal.scenario.reset();
    const controller = new AbortController();
    const running = remover("fal-birefnet").remove(input, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await rejection(running)).toMatchObject({ code: "canceled", retryable: false });
    expect(fal.calls.at(-1)).toMatchObject({ method: "PUT", status: 202 });
  });

  it("turns an off-contract result into bad_response", async () => {
    fal.scenario.failNext("result", { kind: "malformed" });
    const error = await rejection(remover("fal-birefnet").remove(input));
    expect(error).toMatchObject({ code: "bad_response", retryable: true });
    expect(error.message).toContain("image");
  });
});

describe("background removers for a shop (stored, encrypted keys)", () => {
  const allowed = () => ({ httpAllowedOrigins: new Set(fetchAllowOrigins(env())) });

  it("throws the registry's ProviderNotConfiguredError without a key; BiRefNet names the fal key", async () => {
    for (const id of REMOVAL_PROVIDER_IDS) {
      const error = await backgroundRemoverForShop(prisma, SHOP, id).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderNotConfiguredError);
      expect((error as ProviderNotConfiguredError).provider).toBe(id === "fal-birefnet" ? "fal" : id);
    }
    const falError = (await backgroundRemoverForShop(prisma, SHOP, "fal-birefnet").catch((caught: unknown) => caught)) as Error;
    expect(falError.message).toBe("Background removal with BiRefNet runs on fal, and no fal API key is set up for this shop: add it in Settings → fal, then resume production.");
    expect(((await backgroundRemoverForShop(prisma, SHOP, "removebg").catch((caught: unknown) => caught)) as Error).message).toBe("No remove.bg API key is set up for this shop: add it in Settings → remove.bg, then resume production.");
  });

  it("stores Photoroom and remove.bg keys like any provider's, tests them, and removes backgrounds with them; BiRefNet uses the fal key", async () => {
    for (const [provider, double] of [["photoroom", photoroom], ["removebg", removebg], ["fal", fal]] as const) {
      expect(await saveProviderCredential(prisma, SHOP, { provider, apiKey: double.apiKey, baseUrl: double.url }, "user:1", allowed())).toMatchObject({ ok: true, credential: { provider, keyHint: double.apiKey.slice(-4) } });
    }
    const row = await prisma.providerCredential.findUniqueOrThrow({ where: { shopId_provider: { shopId: SHOP, provider: "photoroom" } } });
    expect(row.encryptedApiKey).not.toContain(photoroom.apiKey);

    // Settings' "Test connection" goes through providerForShop.
    expect(await (await providerForShop(prisma, SHOP, "photoroom")).testConnection()).toEqual({ ok: true });
    expect(await (await providerForShop(prisma, SHOP, "removebg")).testConnection()).toEqual({ ok: true });

    for (const id of REMOVAL_PROVIDER_IDS) {
      const shopRemover = await backgroundRemoverForShop(prisma, SHOP, id);
      expect(shopRemover.id).toBe(id);
      await expectCutout((await shopRemover.remove(input)).bytes);
    }
    expect([photoroom.submissions, removebg.submissions, fal.submissions]).toEqual([1, 1, 1]);
    expect(fal.calls[0].authorization).toBe(`Key ${fal.apiKey}`);
  });
});
