import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectMedia, looksLikeMp4 } from "./media";
import type { Emulator } from "./server";
import { eventually, graphqlClient, SHOP, settledMedia, startTestEmulator } from "./test-support";

const STAGE = `mutation Stage($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } }
}`;
const ATTACH = `mutation Attach($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
  productUpdate(product: $product, media: $media) { product { id media(first: 250) { nodes { id status } } } userErrors { field message } }
}`;
const MEDIA = `query Media($id: ID!) {
  product(id: $id) {
    media(first: 50) { nodes { __typename id alt status mediaContentType mediaErrors { code details message }
      preview { image { url width height } }
      ... on MediaImage { image { id url altText width height } }
      ... on Video { sources { url mimeType format fileSize } } } }
  }
}`;

type Target = { url: string; resourceUrl: string; parameters: { name: string; value: string }[] };
type MediaNode = { __typename: string; id: string; alt: string | null; status: string; mediaErrors: { code: string; message: string }[]; image?: { url: string; width: number; height: number } | null; sources?: { url: string }[] };

const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom"), Buffer.alloc(12)]);

describe("product media write path over HTTP", () => {
  let emulator: Emulator;
  let gql: ReturnType<typeof graphqlClient>;
  let png: Buffer;
  const productId = (n: number) => `gid://shopify/Product/${8_100_000_000 + n}`;

  beforeAll(async () => {
    emulator = await startTestEmulator({ productCount: 20, bucket: { maximumAvailable: 10_000, restoreRate: 1_000 } });
    gql = graphqlClient(emulator);
    png = await sharp({ create: { width: 64, height: 80, channels: 3, background: "#c0603f" } }).png().toBuffer();
  });
  afterAll(() => emulator.close());

  async function stage(input: Record<string, unknown>) {
    const { body } = await gql(STAGE, { input: [{ httpMethod: "POST", ...input }] });
    expect(body.errors).toBeUndefined();
    return body.data.stagedUploadsCreate as { stagedTargets: Target[]; userErrors: { field: string[]; message: string }[] };
  }

  function form(target: Target, bytes: Buffer, options: { fileFirst?: boolean; skip?: string } = {}) {
    const data = new FormData();
    const file = new Blob([new Uint8Array(bytes)]);
    if (options.fileFirst) data.append("file", file, "upload.bin");
    for (const p of target.parameters) if (p.name !== options.skip) data.append(p.name, p.value);
    if (!options.fileFirst) data.append("file", file, "upload.bin");
    return data;
  }

  /** Stages and uploads bytes; returns the resourceUrl. */
  async function upload(resource: "IMAGE" | "VIDEO", filename: string, mimeType: string, bytes: Buffer): Promise<string> {
    const { stagedTargets } = await stage({ resource, filename, mimeType, ...(resource === "VIDEO" ? { fileSize: String(bytes.length) } : {}) });
    const response = await fetch(stagedTargets[0].url, { method: "POST", body: form(stagedTargets[0], bytes) });
    expect(response.status).toBe(201);
    return stagedTargets[0].resourceUrl;
  }

  async function attach(id: string, media: { originalSource: string; mediaContentType: string; alt?: string }[]) {
    const { body } = await gql(ATTACH, { product: { id }, media });
    expect(body.errors).toBeUndefined();
    return body.data.productUpdate as { product: { media: { nodes: { id: string; status: string }[] } } | null; userErrors: { field: string[]; message: string }[] };
  }

  async function mediaOf(id: string): Promise<MediaNode[]> {
    const { body } = await gql(MEDIA, { id });
    expect(body.errors).toBeUndefined();
    return body.data.product.media.nodes;
  }

  /** Waits until the product's last media (of its first 50) settles, and returns it. */
  const settled = (id: string) =>
    eventually(async () => {
      const last = (await mediaOf(id)).at(-1)!;
      return last.status === "READY" || last.status === "FAILED" ? last : undefined;
    }, "media processing");

  it("stages a POST upload that needs every parameter and the file field last", async () => {
    const { stagedTargets, userErrors } = await stage({ resource: "IMAGE", filename: "front.png", mimeType: "image/png" });
    expect(userErrors).toEqual([]);
    const [target] = stagedTargets;
    expect(target.url.startsWith(`${emulator.url}/staged-uploads/`)).toBe(true);
    expect(target.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["Content-Type", "key", "policy"]));

    const fileFirst = await fetch(target.url, { method: "POST", body: form(target, png, { fileFirst: true }) });
    expect(fileFirst.status).toBe(400);
    expect(await fileFirst.text()).toMatch(/<Error>.*file field must be present and come last/);
    const missing = await fetch(target.url, { method: "POST", body: form(target, png, { skip: "policy" }) });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/policy/);
    // Not uploaded yet: the resourceUrl cannot be attached.
    const early = await attach(productId(1), [{ originalSource: target.resourceUrl, mediaContentType: "IMAGE" }]);
    expect(early.userErrors[0].field).toEqual(["media", "0", "originalSource"]);

    const ok = await fetch(target.url, { method: "POST", body: form(target, png) });
    expect(ok.status).toBe(201);
    expect(await ok.text()).toMatch(/<PostResponse>/);
  });

  it("requires fileSize for VIDEO and takes exactly that many bytes", async () => {
    const missing = await stage({ resource: "VIDEO", filename: "clip.mp4", mimeType: "video/mp4" });
    expect(missing.stagedTargets).toEqual([]);
    expect(missing.userErrors[0]).toMatchObject({ field: ["input", "0", "fileSize"], message: expect.stringMatching(/File size is required/) });

    const { stagedTargets } = await stage({ resource: "VIDEO", filename: "clip.mp4", mimeType: "video/mp4", fileSize: String(MP4.length + 1) });
    const short = await fetch(stagedTargets[0].url, { method: "POST", body: form(stagedTargets[0], MP4) });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/EntityTooSmall.*does not match the signed policy/);
    const exact = await fetch(stagedTargets[0].url, { method: "POST", body: form(stagedTargets[0], Buffer.concat([MP4, Buffer.alloc(1)])) });
    expect(exact.status).toBe(201);
  });

  it("accepts a PUT target's raw bytes", async () => {
    const { stagedTargets } = await stage({ resource: "IMAGE", filename: "put.png", mimeType: "image/png", httpMethod: "PUT" });
    expect((await fetch(stagedTargets[0].url, { method: "POST", body: new Uint8Array(png) })).status).toBe(405);
    expect((await fetch(stagedTargets[0].url, { method: "PUT", body: new Uint8Array(png) })).status).toBe(200);
    await attach(productId(9), [{ originalSource: stagedTargets[0].resourceUrl, mediaContentType: "IMAGE" }]);
    expect((await settled(productId(9))).status).toBe("READY");
  });

  it("attaches an uploaded PNG: UPLOADED, then READY with its size, served from the emulator's CDN", async () => {
    const resourceUrl = await upload("IMAGE", "front.png", "image/png", png);
    const result = await attach(productId(1), [{ originalSource: resourceUrl, mediaContentType: "IMAGE", alt: "Front" }]);
    expect(result.userErrors).toEqual([]);
    expect(result.product!.media.nodes.map((m) => m.status)).toEqual(["READY", "UPLOADED"]);
    const ready = await settled(productId(1));
    expect(ready).toMatchObject({ __typename: "MediaImage", status: "READY", alt: "Front", mediaErrors: [], image: { width: 64, height: 80 } });
    const served = await fetch(ready.image!.url);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    const node = await gql('query($id: ID!) { node(id: $id) { ... on MediaImage { status } } }', { id: ready.id });
    expect(node.body.data.node).toEqual({ status: "READY" });
  });

  it("marks bytes that are not an image FAILED with mediaErrors", async () => {
    const resourceUrl = await upload("IMAGE", "broken.png", "image/png", Buffer.from("this is not a png"));
    await attach(productId(2), [{ originalSource: resourceUrl, mediaContentType: "IMAGE" }]);
    const failed = await settled(productId(2));
    expect(failed.status).toBe("FAILED");
    expect(failed.mediaErrors[0]).toMatchObject({ code: "IMAGE_PROCESSING_FAILURE", message: expect.any(String) });
    expect(failed.image).toBeNull();
  });

  it("takes an MP4 to READY and fails a video that is not one", async () => {
    await attach(productId(3), [{ originalSource: await upload("VIDEO", "clip.mp4", "video/mp4", MP4), mediaContentType: "VIDEO" }]);
    const video = await settled(productId(3));
    expect(video).toMatchObject({ __typename: "Video", status: "READY" });
    expect(video.sources![0].url.startsWith(emulator.url)).toBe(true);
    await attach(productId(3), [{ originalSource: await upload("VIDEO", "fake.mp4", "video/mp4", png), mediaContentType: "VIDEO" }]);
    expect((await settled(productId(3))).mediaErrors[0].code).toBe("VIDEO_INVALID_FILETYPE_ERROR");
  });

  it("refuses a source that is not a URL, and fails one it cannot download", async () => {
    const invalid = await attach(productId(4), [{ originalSource: "not a url", mediaContentType: "IMAGE" }]);
    expect(invalid).toMatchObject({ product: null, userErrors: [{ field: ["media", "0", "originalSource"], message: "Image URL is invalid" }] });
    await attach(productId(4), [{ originalSource: "https://example.com/shirt.png", mediaContentType: "IMAGE" }]);
    expect((await settled(productId(4))).mediaErrors[0].code).toBe("IMAGE_DOWNLOAD_FAILURE");
  });

  it("re-attaches a file the emulator already hosts, and updates product fields in the same call", async () => {
    const [flatLay] = await mediaOf(productId(5));
    const { body } = await gql(ATTACH, { product: { id: productId(6), title: "Renamed", tags: ["x"] }, media: [{ originalSource: flatLay.image!.url, mediaContentType: "IMAGE" }] });
    expect(body.data.productUpdate.userErrors).toEqual([]);
    expect((await settled(productId(6))).status).toBe("READY");
    const check = await gql("query($id: ID!) { product(id: $id) { title tags mediaCount { count } } }", { id: productId(6) });
    expect(check.body.data.product).toEqual({ title: "Renamed", tags: ["x"], mediaCount: { count: 2 } });
  });

  it("keeps a product at 250 media", async () => {
    const [flatLay] = await mediaOf(productId(7));
    const many = Array.from({ length: 250 }, () => ({ originalSource: flatLay.image!.url, mediaContentType: "IMAGE" }));
    const over = await attach(productId(7), many);
    expect(over.userErrors[0].message).toMatch(/PRODUCT_MEDIA_LIMIT_EXCEEDED/);
    expect((await attach(productId(7), many.slice(1))).userErrors).toEqual([]);
    expect((await gql("query($id: ID!) { product(id: $id) { mediaCount { count } } }", { id: productId(7) })).body.data.product.mediaCount.count).toBe(250);
  });

  it("fails the next media as a test asks (POST /emulator/shops/{shop}/media-failures), then processes normally", async () => {
    const inject = (body: unknown) => fetch(`${emulator.url}/emulator/shops/${SHOP}/media-failures`, { method: "POST", body: JSON.stringify(body) });
    const bad = await inject({ count: 1, code: "NOT_A_CODE" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0]).toMatchObject({ field: "code", message: expect.stringMatching(/MediaErrorCode.*IMAGE_PROCESSING_FAILURE/) });
    expect((await inject({ count: -1 })).status).toBe(422);

    const injected = await inject({ count: 2, code: "INVALID_IMAGE_ASPECT_RATIO", message: "Aspect ratio out of range." });
    expect(await injected.json()).toEqual({ pending: 2 });
    const id = productId(10);
    const good = [await upload("IMAGE", "a.png", "image/png", png), await upload("IMAGE", "b.png", "image/png", png), await upload("IMAGE", "c.png", "image/png", png)];
    const result = await attach(id, good.map((originalSource) => ({ originalSource, mediaContentType: "IMAGE" })));
    const created = result.product!.media.nodes.slice(-3).map((m) => m.id);
    const outcomes = await Promise.all(created.map((m) => settledMedia(emulator, m)));
    expect(outcomes.map((m) => m.status)).toEqual(["FAILED", "FAILED", "READY"]);
    expect(outcomes[0].mediaErrors).toEqual([{ code: "INVALID_IMAGE_ASPECT_RATIO", message: "Aspect ratio out of range." }]);

    // Without a code: the usual failure for the kind; count 0 clears what is pending.
    emulator.admin.failNextMedia(SHOP, 1);
    await attach(id, [{ originalSource: await upload("IMAGE", "d.png", "image/png", png), mediaContentType: "IMAGE" }]);
    expect((await settled(id)).mediaErrors[0]).toMatchObject({ code: "IMAGE_PROCESSING_FAILURE", message: expect.stringMatching(/could not be processed/) });
    expect(await (await inject({ count: 3 })).json()).toEqual({ pending: 3 });
    expect(await (await inject({ count: 0 })).json()).toEqual({ pending: 0 });
    await attach(id, [{ originalSource: await upload("IMAGE", "e.png", "image/png", png), mediaContentType: "IMAGE" }]);
    expect((await settled(id)).status).toBe("READY");
  });

  it("reorders media with a job, detaches with fileUpdate and deletes with fileDelete", async () => {
    const id = productId(8);
    const resourceUrl = await upload("IMAGE", "second.png", "image/png", png);
    await attach(id, [{ originalSource: resourceUrl, mediaContentType: "IMAGE" }]);
    await settled(id);
    const before = (await mediaOf(id)).map((m) => m.id);
    expect(before).toHaveLength(2);

    const reorder = await gql("mutation($id: ID!, $moves: [MoveInput!]!) { productReorderMedia(id: $id, moves: $moves) { job { id done } mediaUserErrors { field message code } } }", {
      id,
      moves: [{ id: before[1], newPosition: "0" }],
    });
    expect(reorder.body.data.productReorderMedia.mediaUserErrors).toEqual([]);
    const jobId = reorder.body.data.productReorderMedia.job.id;
    await eventually(async () => ((await gql("query($id: ID!) { job(id: $id) { done } }", { id: jobId })).body.data.job.done ? true : undefined), "the reorder job");
    expect((await mediaOf(id)).map((m) => m.id)).toEqual([before[1], before[0]]);

    const wrong = await gql("mutation($id: ID!, $moves: [MoveInput!]!) { productReorderMedia(id: $id, moves: $moves) { job { id } mediaUserErrors { code } } }", { id, moves: [{ id: "gid://shopify/MediaImage/1", newPosition: "0" }] });
    expect(wrong.body.data.productReorderMedia).toEqual({ job: null, mediaUserErrors: [{ code: "MEDIA_DOES_NOT_EXIST_ON_PRODUCT" }] });

    const detach = await gql("mutation($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { files { id } userErrors { field message code } } }", { files: [{ id: before[1], referencesToRemove: [id] }] });
    expect(detach.body.data.fileUpdate).toEqual({ files: [{ id: before[1] }], userErrors: [] });
    expect((await mediaOf(id)).map((m) => m.id)).toEqual([before[0]]);
    // Detached, not deleted: the file is still there.
    expect((await gql('query($id: ID!) { node(id: $id) { id } }', { id: before[1] })).body.data.node).toEqual({ id: before[1] });

    const missing = await gql("mutation($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { userErrors { code } } }", { files: [{ id: "gid://shopify/MediaImage/1", referencesToRemove: [id] }] });
    expect(missing.body.data.fileUpdate.userErrors).toEqual([{ code: "FILE_DOES_NOT_EXIST" }]);

    const deleted = await gql("mutation($ids: [ID!]!) { fileDelete(fileIds: $ids) { deletedFileIds userErrors { code } } }", { ids: [before[0]] });
    expect(deleted.body.data.fileDelete).toEqual({ deletedFileIds: [before[0]], userErrors: [] });
    expect(await mediaOf(id)).toEqual([]);
  });
});

describe("media checks", () => {
  it("recognises an MP4 by its ftyp box", () => {
    expect(looksLikeMp4(MP4)).toBe(true);
    expect(looksLikeMp4(Buffer.from("RIFF....WEBPVP8 "))).toBe(false);
  });

  it("refuses images over 20 megapixels and formats Shopify does not take", async () => {
    const big = await sharp({ create: { width: 5000, height: 4100, channels: 3, background: "#ffffff" } }).jpeg({ quality: 10 }).toBuffer();
    expect(await inspectMedia("IMAGE", big)).toMatchObject({ ok: false, code: "INVALID_IMAGE_RESOLUTION" });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect(await inspectMedia("IMAGE", svg)).toMatchObject({ ok: false, code: "UNSUPPORTED_IMAGE_FILE_TYPE" });
    const truncated = (await sharp({ create: { width: 200, height: 200, channels: 3, background: "#123456" } }).png().toBuffer()).subarray(0, 300);
    expect(await inspectMedia("IMAGE", truncated)).toMatchObject({ ok: false, code: "IMAGE_PROCESSING_FAILURE" });
  });
});
