import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { eventually, graphqlClient, SHOP, settledMedia, startTestEmulator, startWebhookReceiver, uploadMedia } from "./test-support";

const APPEND = `mutation Append($productId: ID!, $variantMedia: [ProductVariantAppendMediaInput!]!) {
  productVariantAppendMedia(productId: $productId, variantMedia: $variantMedia) {
    product { id }
    productVariants { id media(first: 5) { nodes { id } } }
    userErrors { field message code }
  }
}`;
const DETACH = `mutation Detach($productId: ID!, $variantMedia: [ProductVariantDetachMediaInput!]!) {
  productVariantDetachMedia(productId: $productId, variantMedia: $variantMedia) {
    product { id }
    productVariants { id }
    userErrors { field message code }
  }
}`;
const VARIANTS = `query Variants($id: ID!) {
  product(id: $id) {
    media(first: 20) { nodes { id status } }
    variants(first: 20) { nodes { id title media(first: 5) { nodes { id ... on MediaImage { image { url } } } } image { url altText } } }
  }
}`;

type UserError = { field: string[]; message: string; code: string };
type VariantNode = { id: string; title: string; media: { nodes: { id: string }[] }; image: { url: string; altText: string | null } | null };

const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom"), Buffer.alloc(12)]);

describe("variant media over HTTP", () => {
  let emulator: Emulator;
  let gql: ReturnType<typeof graphqlClient>;
  let app: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let png: Buffer;

  beforeAll(async () => {
    app = await startWebhookReceiver();
    emulator = await startTestEmulator({
      productCount: 3,
      bucket: { maximumAvailable: 20_000, restoreRate: 2_000 },
      appUrl: app.url,
      webhooks: [{ topics: ["products/update"], uri: "/webhooks/products/update" }],
    });
    gql = graphqlClient(emulator);
    png = await sharp({ create: { width: 60, height: 80, channels: 3, background: "#2d4a7a" } }).png().toBuffer();
  });
  afterAll(async () => {
    await emulator.close();
    await app.close();
  });
  beforeEach(() => {
    app.received.length = 0;
  });

  /** A product with two colourways in two sizes, its flat-lay and one uploaded (READY) image. */
  async function colourwayProduct() {
    const product = emulator.admin.createProduct(SHOP, { title: "Colourway Tee", productType: "Tops", colors: ["Navy", "Sand"], sizes: ["S", "M"] });
    const id = `gid://shopify/Product/${product.id}`;
    const sandImage = await uploadMedia(emulator, id, { resource: "IMAGE", filename: "sand.png", mimeType: "image/png", bytes: png, alt: "Sand front" });
    expect((await settledMedia(emulator, sandImage)).status).toBe("READY");
    const read = await gql(VARIANTS, { id });
    expect(read.body.errors).toBeUndefined();
    const [flatLay, uploaded] = read.body.data.product.media.nodes as { id: string }[];
    expect(uploaded.id).toBe(sandImage);
    const variants = read.body.data.product.variants.nodes as VariantNode[];
    expect(variants.map((v) => v.title)).toEqual(["Navy / S", "Navy / M", "Sand / S", "Sand / M"]);
    return { id, numericId: product.id, flatLay: flatLay.id, sandImage, variants: variants.map((v) => v.id) };
  }

  async function append(productId: string, variantMedia: { variantId: string; mediaIds: string[] }[]) {
    const { body } = await gql(APPEND, { productId, variantMedia });
    expect(body.errors).toBeUndefined();
    return body.data.productVariantAppendMedia as { product: { id: string } | null; productVariants: { id: string; media: { nodes: { id: string }[] } }[] | null; userErrors: UserError[] };
  }
  async function detach(productId: string, variantMedia: { variantId: string; mediaIds: string[] }[]) {
    const { body } = await gql(DETACH, { productId, variantMedia });
    expect(body.errors).toBeUndefined();
    return body.data.productVariantDetachMedia as { product: { id: string } | null; productVariants: { id: string }[] | null; userErrors: UserError[] };
  }
  async function variantsOf(productId: string): Promise<VariantNode[]> {
    const { body } = await gql(VARIANTS, { id: productId });
    expect(body.errors).toBeUndefined();
    return body.data.product.variants.nodes;
  }
  const adminProduct = async (numericId: number) => (await (await fetch(`${emulator.url}/emulator/shops/${SHOP}/products/${numericId}`)).json()).product;
  const updatesFor = (numericId: number) => app.received.filter((r) => r.headers["x-shopify-topic"] === "products/update").map((r) => JSON.parse(r.body)).filter((p) => p.id === numericId);

  it("appends a ready image to the colourway's variants: the API, the admin endpoint and products/update all show it", async () => {
    const p = await colourwayProduct();
    await emulator.webhooks.idle();
    app.received.length = 0;
    const result = await append(p.id, [
      { variantId: p.variants[2], mediaIds: [p.sandImage] },
      { variantId: p.variants[3], mediaIds: [p.sandImage] },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.product).toEqual({ id: p.id });
    expect(result.productVariants).toEqual([
      { id: p.variants[2], media: { nodes: [{ id: p.sandImage }] } },
      { id: p.variants[3], media: { nodes: [{ id: p.sandImage }] } },
    ]);

    const variants = await variantsOf(p.id);
    expect(variants.map((v) => v.media.nodes.map((m) => m.id))).toEqual([[], [], [p.sandImage], [p.sandImage]]);
    expect(variants[0].image).toBeNull();
    expect(variants[2].image).toEqual({ url: expect.stringContaining("/sand.png"), altText: "Sand front" });
    // The variant as a node too.
    const node = await gql("query VariantNode($id: ID!) { node(id: $id) { ... on ProductVariant { media(first: 1) { nodes { id } } } } }", { id: p.variants[3] });
    expect(node.body.data.node).toEqual({ media: { nodes: [{ id: p.sandImage }] } });

    const admin = await adminProduct(p.numericId);
    expect(admin.variants.map((v: { mediaIds: string[] }) => v.mediaIds)).toEqual([[], [], [p.sandImage], [p.sandImage]]);
    expect(admin.media.at(-1)).toMatchObject({ gid: p.sandImage, alt: "Sand front", mimeType: "image/png", filename: "sand.png", status: "READY", errors: [] });

    await eventually(async () => (updatesFor(p.numericId).length > 0 ? true : undefined), "products/update after the append");
    const payload = updatesFor(p.numericId).at(-1);
    const sandNumeric = Number(p.sandImage.split("/").pop());
    const variantNumeric = (gid: string) => Number(gid.split("/").pop());
    expect(payload.variants.map((v: { image_id: number | null }) => v.image_id)).toEqual([null, null, sandNumeric, sandNumeric]);
    expect(payload.media.find((m: { id: number }) => m.id === sandNumeric).variant_ids).toEqual([variantNumeric(p.variants[2]), variantNumeric(p.variants[3])]);
    expect(payload.images.find((i: { id: number }) => i.id === sandNumeric).variant_ids).toEqual([variantNumeric(p.variants[2]), variantNumeric(p.variants[3])]);
  });

  it("answers each MediaUserErrorCode with the input's path, and changes nothing when any pair is wrong", async () => {
    const p = await colourwayProduct();
    const other = await colourwayProduct();
    const failed = await (async () => {
      emulator.admin.failNextMedia(SHOP, 1);
      const id = await uploadMedia(emulator, p.id, { resource: "IMAGE", filename: "bad.png", mimeType: "image/png", bytes: png });
      expect((await settledMedia(emulator, id)).status).toBe("FAILED");
      return id;
    })();
    const video = await uploadMedia(emulator, p.id, { resource: "VIDEO", filename: "clip.mp4", mimeType: "video/mp4", bytes: MP4 });
    expect((await settledMedia(emulator, video)).status).toBe("READY");
    expect((await append(p.id, [{ variantId: p.variants[0], mediaIds: [p.flatLay] }])).userErrors).toEqual([]);
    await emulator.webhooks.idle();
    app.received.length = 0;

    expect((await append("gid://shopify/Product/1", [{ variantId: p.variants[1], mediaIds: [p.flatLay] }])).userErrors).toEqual([
      { field: ["productId"], message: expect.stringMatching(/does not exist/), code: "PRODUCT_DOES_NOT_EXIST" },
    ]);
    const codes = await append(p.id, [
      { variantId: p.variants[1], mediaIds: [p.sandImage] }, // fine on its own
      { variantId: other.variants[0], mediaIds: [p.sandImage] },
      { variantId: p.variants[2], mediaIds: [other.sandImage] },
      { variantId: p.variants[3], mediaIds: [failed] },
      { variantId: p.variants[1], mediaIds: [p.flatLay] },
    ]);
    expect(codes).toMatchObject({ product: null, productVariants: null });
    expect(codes.userErrors.map((e) => [e.field, e.code])).toEqual([
      [["variantMedia", "1", "variantId"], "PRODUCT_VARIANT_DOES_NOT_EXIST_ON_PRODUCT"],
      [["variantMedia", "2", "mediaIds"], "MEDIA_DOES_NOT_EXIST_ON_PRODUCT"],
      [["variantMedia", "3", "mediaIds"], "NON_READY_MEDIA"],
      [["variantMedia", "4", "variantId"], "PRODUCT_VARIANT_SPECIFIED_MULTIPLE_TIMES"],
    ]);
    expect(codes.userErrors[2].message).toMatch(/FAILED; only READY media/);
    const more = await append(p.id, [
      { variantId: p.variants[0], mediaIds: [p.sandImage] },
      { variantId: p.variants[1], mediaIds: [p.sandImage, p.flatLay] },
      { variantId: p.variants[2], mediaIds: [video] },
      { variantId: p.variants[3], mediaIds: [] },
    ]);
    expect(more.userErrors.map((e) => [e.field, e.code])).toEqual([
      [["variantMedia", "0", "variantId"], "PRODUCT_VARIANT_ALREADY_HAS_MEDIA"],
      [["variantMedia", "1", "mediaIds"], "TOO_MANY_MEDIA_PER_INPUT_PAIR"],
      [["variantMedia", "2", "mediaIds"], "INVALID_MEDIA_TYPE"],
      [["variantMedia", "3", "mediaIds"], "BLANK"],
    ]);
    const tooMany = await append(p.id, Array.from({ length: 101 }, () => ({ variantId: p.variants[1], mediaIds: [p.sandImage] })));
    expect(tooMany.userErrors).toEqual([{ field: ["variantMedia"], message: expect.stringMatching(/100 variant-media pairs/), code: "MAXIMUM_VARIANT_MEDIA_PAIRS_EXCEEDED" }]);

    // Atomic: the good pair in each call was not applied, and no products/update went out.
    expect((await variantsOf(p.id)).map((v) => v.media.nodes.map((m) => m.id))).toEqual([[p.flatLay], [], [], []]);
    await emulator.webhooks.idle();
    expect(updatesFor(p.numericId)).toEqual([]);
  });

  it("detaches media from variants, refusing media the variant does not show", async () => {
    const p = await colourwayProduct();
    await append(p.id, [
      { variantId: p.variants[2], mediaIds: [p.sandImage] },
      { variantId: p.variants[3], mediaIds: [p.sandImage] },
    ]);
    const wrong = await detach(p.id, [
      { variantId: p.variants[2], mediaIds: [p.sandImage] },
      { variantId: p.variants[0], mediaIds: [p.sandImage] },
    ]);
    expect(wrong).toEqual({
      product: null,
      productVariants: null,
      userErrors: [{ field: ["variantMedia", "1", "mediaIds"], message: `Media ${p.sandImage} is not attached to variant ${p.variants[0]}.`, code: "MEDIA_IS_NOT_ATTACHED_TO_VARIANT" }],
    });
    expect((await detach(p.id, [{ variantId: p.variants[2], mediaIds: ["gid://shopify/MediaImage/1"] }])).userErrors[0].code).toBe("MEDIA_DOES_NOT_EXIST_ON_PRODUCT");
    expect((await variantsOf(p.id)).map((v) => v.media.nodes.length)).toEqual([0, 0, 1, 1]);

    await emulator.webhooks.idle();
    app.received.length = 0;
    const ok = await detach(p.id, [{ variantId: p.variants[2], mediaIds: [p.sandImage] }]);
    expect(ok).toEqual({ product: { id: p.id }, productVariants: [{ id: p.variants[2] }], userErrors: [] });
    expect((await variantsOf(p.id)).map((v) => v.media.nodes.length)).toEqual([0, 0, 0, 1]);
    await eventually(async () => (updatesFor(p.numericId).length > 0 ? true : undefined), "products/update after the detach");
    expect(updatesFor(p.numericId).at(-1).variants.map((v: { image_id: number | null }) => v.image_id)).toEqual([null, null, null, Number(p.sandImage.split("/").pop())]);
    // The variant can take media again once it has none.
    expect((await append(p.id, [{ variantId: p.variants[2], mediaIds: [p.flatLay] }])).userErrors).toEqual([]);
  });

  it("takes media off the variants when it leaves the product (fileUpdate referencesToRemove, fileDelete)", async () => {
    const p = await colourwayProduct();
    await append(p.id, [
      { variantId: p.variants[0], mediaIds: [p.flatLay] },
      { variantId: p.variants[2], mediaIds: [p.sandImage] },
    ]);
    const removed = await gql("mutation Unlink($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { userErrors { code } } }", { files: [{ id: p.sandImage, referencesToRemove: [p.id] }] });
    expect(removed.body.data.fileUpdate.userErrors).toEqual([]);
    expect((await variantsOf(p.id)).map((v) => v.media.nodes.map((m) => m.id))).toEqual([[p.flatLay], [], [], []]);
    // Back on the product, it is not back on the variant.
    const relinked = await gql("mutation Relink($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { userErrors { code } } }", { files: [{ id: p.sandImage, referencesToAdd: [p.id] }] });
    expect(relinked.body.data.fileUpdate.userErrors).toEqual([]);
    expect((await variantsOf(p.id))[2].media.nodes).toEqual([]);

    const deleted = await gql("mutation Delete($ids: [ID!]!) { fileDelete(fileIds: $ids) { deletedFileIds userErrors { code } } }", { ids: [p.flatLay] });
    expect(deleted.body.data.fileDelete.userErrors).toEqual([]);
    expect((await variantsOf(p.id)).map((v) => v.media.nodes.length)).toEqual([0, 0, 0, 0]);
    expect((await adminProduct(p.numericId)).variants.map((v: { mediaIds: string[] }) => v.mediaIds)).toEqual([[], [], [], []]);
  });
});
