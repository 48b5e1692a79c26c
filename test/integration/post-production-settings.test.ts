import { getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { DEFAULT_CHANNEL_SPECS, type ChannelSpec } from "../../app/imaging/channel-spec";
import { parseCubeLut } from "../../app/imaging/cube-lut";
import type { PostProductionActionResult } from "../../app/imaging/post-production-page.server";
import { DEFAULT_NAMING_TEMPLATE, MAX_LUT_BYTES } from "../../app/imaging/post-production-settings.server";
import { action as pageAction, loader as pageLoader } from "../../app/routes/app.post-production";
import { assetStore } from "../../app/storage/asset-store.server";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../support/test-env";
import { refusedResponse } from "../support/route-refusal";

const SHOP = "post-production-settings.myshopify.com";
const OTHER = "post-production-other.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });

async function bearer(shop: string) {
  return `Bearer ${(await getJwt(shop.replace(".myshopify.com", ""), TEST_API_KEY, TEST_API_SECRET, { sub: "77" })).token}`;
}

async function load(shop = SHOP) {
  return pageLoader(args(new Request(`${TEST_APP_URL}/app/post-production`, { headers: { Authorization: await bearer(shop) } })));
}

/** Posts the page's form through the route; a File field makes it multipart, as the browser sends an upload. */
async function post(fields: Record<string, string | File>, shop = SHOP): Promise<PostProductionActionResult> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return pageAction(args(new Request(`${TEST_APP_URL}/app/post-production`, { method: "POST", body, headers: { Authorization: await bearer(shop) } })));
}

function saveFields(overrides: { channels?: unknown; namingTemplate?: string; lutInterpolation?: string; aiDisclosure?: boolean; activeLutId?: string } = {}) {
  return {
    intent: "save-settings",
    channels: JSON.stringify(overrides.channels ?? DEFAULT_CHANNEL_SPECS),
    namingTemplate: overrides.namingTemplate ?? DEFAULT_NAMING_TEMPLATE,
    lutInterpolation: overrides.lutInterpolation ?? "tetrahedral",
    aiDisclosure: String(overrides.aiDisclosure ?? true),
    activeLutId: overrides.activeLutId ?? "",
  };
}

/** A 2³ .cube: the identity, warmed by `warmth` in red. */
function cube(title: string, warmth = 0): string {
  const rows: string[] = [];
  for (let b = 0; b < 2; b++) for (let g = 0; g < 2; g++) for (let r = 0; r < 2; r++) rows.push(`${Math.min(1, r + warmth).toFixed(3)} ${g}.000 ${b}.000`);
  return [`TITLE "${title}"`, "# exported for the test", "LUT_3D_SIZE 2", ...rows, ""].join("\n");
}

// Line 7 has a word where a number goes, line 10 a fourth number.
const BROKEN_CUBE = ['TITLE "Broken"', "LUT_3D_SIZE 2", "0 0 0", "1 0 0", "0 1 0", "1 1 0", "0 0 abc", "1 0 1", "0 1 1", "1 1 1 0", ""].join("\n");

const cubeFile = (text: string, name = "look.cube") => new File([text], name, { type: "application/octet-stream" });

async function settingsSnapshot(shop: string) {
  return {
    row: await prisma.postProductionSettings.findUnique({ where: { shopId: shop } }),
    luts: await prisma.brandLut.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } }),
    audits: await prisma.auditEvent.count({ where: { shopId: shop } }),
  };
}

describe("Post-production settings page (PostgreSQL, route loader and action)", () => {
  beforeAll(async () => {
    // The shops' rows come from the page itself (ensureShop); only the offline sessions the token exchange needs exist beforehand.
    for (const shop of [SHOP, OTHER]) {
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
  });

  it("shows the defaults to a shop that has saved nothing", async () => {
    const page = await load();
    expect(page.settings).toEqual({ channels: DEFAULT_CHANNEL_SPECS, namingTemplate: DEFAULT_NAMING_TEMPLATE, activeLutId: "", lutInterpolation: "tetrahedral", aiDisclosure: true, updatedAt: null, updatedBy: null });
    expect(page.luts).toEqual([]);
    expect(page.defaults).toEqual({ channels: DEFAULT_CHANNEL_SPECS, namingTemplate: DEFAULT_NAMING_TEMPLATE });
    expect(page.lutMaxBytes).toBe(MAX_LUT_BYTES);
    expect(await prisma.postProductionSettings.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("saves a valid edit (reordered, a new channel, a disabled one, a new template) and audits what changed", async () => {
    const [square, portrait, ...rest] = DEFAULT_CHANNEL_SPECS;
    const lookbook: ChannelSpec = { id: "lookbook", label: "Lookbook (transparent)", width: 1200, height: 1500, format: "png", quality: 90, background: "transparent", fit: "frame", minSubjectFill: 0.7, sharpen: false, enabled: true };
    const channels = [portrait, { ...square, background: "#f4f1ec" }, ...rest.map((spec) => (spec.id === "story" ? { ...spec, enabled: false } : spec)), lookbook];
    const result = await post(saveFields({ channels, namingTemplate: "  {handle}-{colour}_{view}_{channel}.{ext} ", lutInterpolation: "trilinear", aiDisclosure: false }));
    if (result.intent !== "save-settings" || !result.ok) throw new Error(JSON.stringify(result));
    // Stored as the schema normalises it: colours upper-case, the template trimmed.
    const stored = channels.map((spec) => (spec.id === "pdp-square" ? { ...spec, background: "#F4F1EC" } : spec));
    expect(result.settings).toMatchObject({ channels: stored, namingTemplate: "{handle}-{colour}_{view}_{channel}.{ext}", lutInterpolation: "trilinear", aiDisclosure: false, activeLutId: "", updatedBy: "user:77" });

    const row = await prisma.postProductionSettings.findUniqueOrThrow({ where: { shopId: SHOP } });
    expect(row).toMatchObject({ channels: stored, namingTemplate: "{handle}-{colour}_{view}_{channel}.{ext}", lutInterpolation: "trilinear", aiDisclosure: false, activeLutId: null, updatedBy: "user:77" });
    const audits = await prisma.auditEvent.findMany({ where: { shopId: SHOP, action: "post-production.settings.saved" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor: "user:77", subjectType: "Shop", subjectId: SHOP });
    expect((audits[0].data as { changed: string[] }).changed.sort()).toEqual(["aiDisclosure", "channels", "lutInterpolation", "namingTemplate"]);

    const page = await load();
    expect(page.settings.channels.map((c) => c.id)).toEqual(["pdp-portrait", "pdp-square", "story", "zoom", "marketplace", "thumbnail", "lookbook"]);
    expect(page.settings.updatedAt).toEqual(row.updatedAt.toISOString());
  });

  it("refuses width 0, a duplicate id, a transparent JPEG and an unknown placeholder with field errors, and changes nothing", async () => {
    const before = await settingsSnapshot(SHOP);
    const channels = DEFAULT_CHANNEL_SPECS.map((spec, index) => {
      if (index === 1) return { ...spec, width: 0 };
      if (index === 2) return { ...spec, id: "pdp-square" };
      if (index === 3) return { ...spec, background: "transparent" };
      return spec;
    });
    const result = await post(saveFields({ channels, namingTemplate: "{sku}_{angle}_{channel}.{ext}", lutInterpolation: "bicubic" }));
    expect(result).toEqual({
      intent: "save-settings",
      ok: false,
      errors: {
        "channels[1].width": "must be at least 16 pixels: enter a larger width",
        "channels[2].id": '"pdp-square" is already used by channel 1: choose another id',
        "channels[3].background": "JPEG has no transparency: choose a colour such as #FFFFFF, or the png, webp or avif format",
        namingTemplate: expect.stringContaining("{angle} is not a placeholder"),
        lutInterpolation: "choose trilinear or tetrahedral",
      },
    });
    // An empty entry reaches the server as null and is named on its field; every channel off is named on the list.
    const empty = await post(saveFields({ channels: DEFAULT_CHANNEL_SPECS.map((spec, index) => (index === 0 ? { ...spec, quality: null } : spec)) }));
    expect(empty).toEqual({ intent: "save-settings", ok: false, errors: { "channels[0].quality": "enter a quality from 1 to 100" } });
    const allOff = await post(saveFields({ channels: DEFAULT_CHANNEL_SPECS.map((spec) => ({ ...spec, enabled: false })) }));
    expect(allOff).toEqual({ intent: "save-settings", ok: false, errors: { channels: "every channel is turned off: turn on at least one" } });
    expect(await post({ ...saveFields(), channels: "[{not json" })).toEqual({ intent: "save-settings", ok: false, errors: { channels: "the channel list could not be read (invalid JSON): reload the page and try again" } });
    expect(await settingsSnapshot(SHOP)).toEqual(before);
  });

  it("stores a valid .cube upload (row, file, audit), refuses a broken one with each line, and keeps one row for the same file twice", async () => {
    const text = cube("Warm linen", 0.1);
    const uploaded = await post({ intent: "upload-lut", name: "Warm linen", file: cubeFile(text), activate: "false" });
    if (uploaded.intent !== "upload-lut" || !uploaded.ok) throw new Error(JSON.stringify(uploaded));
    expect(uploaded).toMatchObject({ activated: false, lut: { name: "Warm linen", title: "Warm linen", size: 2, bytes: Buffer.byteLength(text), createdBy: "user:77" } });
    const row = await prisma.brandLut.findUniqueOrThrow({ where: { id: uploaded.lut.id } });
    expect(row.shopId).toBe(SHOP);
    const stored = await assetStore().get(row.storageKey);
    expect(stored.toString("utf8")).toBe(text);
    expect(parseCubeLut(stored.toString("utf8")).size).toBe(2);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "post-production.lut.uploaded", subjectId: row.id } })).toBe(1);

    const before = await settingsSnapshot(SHOP);
    const broken = await post({ intent: "upload-lut", name: "Broken", file: cubeFile(BROKEN_CUBE, "broken.cube"), activate: "true" });
    expect(broken).toEqual({
      intent: "upload-lut",
      ok: false,
      field: "lutFile",
      errors: [
        { line: 7, message: expect.stringContaining('"abc", which is not a number') },
        { line: 10, message: expect.stringContaining("needs 3 numbers, found 4") },
      ],
    });
    const binary = await post({ intent: "upload-lut", name: "Photo", file: new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1])], "photo.cube") });
    expect(binary).toMatchObject({ ok: false, field: "lutFile", errors: [{ message: expect.stringContaining("binary file") }] });
    const huge = await post({ intent: "upload-lut", name: "Huge", file: cubeFile("0 0 0\n".repeat(Math.ceil((MAX_LUT_BYTES + 10) / 6)), "huge.cube") });
    expect(huge).toEqual({ intent: "upload-lut", ok: false, field: "lutFile", errors: [{ message: "the file is larger than 8 MB; a .cube LUT up to 65³ is smaller: check it is a .cube file" }] });
    expect(await post({ intent: "upload-lut", name: "Nothing" })).toEqual({ intent: "form", ok: false, message: "choose a .cube file to upload" });
    expect(await settingsSnapshot(SHOP)).toEqual(before);

    // The same bytes under another name are the same LUT.
    const again = await post({ intent: "upload-lut", name: "Warm linen copy", file: cubeFile(text, "copy.cube"), activate: "false" });
    expect(again).toMatchObject({ ok: true, lut: { id: row.id, name: "Warm linen" } });
    expect(await prisma.brandLut.count({ where: { shopId: SHOP } })).toBe(1);
    // Named after the file when the merchant gives no name.
    const unnamed = await post({ intent: "upload-lut", name: " ", file: cubeFile(cube("Cool", 0.2), "Cool Morning.cube"), activate: "false" });
    expect(unnamed).toMatchObject({ ok: true, lut: { name: "Cool Morning", title: "Cool" } });
    expect((await load()).luts.map((l) => l.name)).toEqual(["Cool Morning", "Warm linen"]);
  });

  it("activates a LUT on upload or by saving it, refuses another shop's LUT, and deletes only a LUT not in use", async () => {
    const upload = await post({ intent: "upload-lut", name: "Brand look", file: cubeFile(cube("Brand", 0.05)), activate: "true" });
    if (upload.intent !== "upload-lut" || !upload.ok) throw new Error(JSON.stringify(upload));
    expect(upload.activated).toBe(true);
    let page = await load();
    expect(page.settings.activeLutId).toBe(upload.lut.id);
    // Activating on upload kept the edits saved before it.
    expect(page.settings).toMatchObject({ lutInterpolation: "trilinear", aiDisclosure: false, namingTemplate: "{handle}-{colour}_{view}_{channel}.{ext}" });
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "post-production.lut.activated", subjectId: upload.lut.id } })).toBe(1);

    const warm = page.luts.find((l) => l.name === "Warm linen")!;
    const saved = await post(saveFields({ channels: page.settings.channels, namingTemplate: page.settings.namingTemplate, activeLutId: warm.id }));
    expect(saved).toMatchObject({ intent: "save-settings", ok: true, settings: { activeLutId: warm.id, lutInterpolation: "tetrahedral" } });
    page = await load();
    expect(page.settings.activeLutId).toBe(warm.id);

    // Another shop's LUT: its id is refused on the field, in both directions, and nothing changes.
    const foreign = await post({ intent: "upload-lut", name: "Other brand", file: cubeFile(cube("Other", 0.3)), activate: "true" }, OTHER);
    if (foreign.intent !== "upload-lut" || !foreign.ok) throw new Error(JSON.stringify(foreign));
    const before = await settingsSnapshot(SHOP);
    expect(await post(saveFields({ channels: page.settings.channels, namingTemplate: page.settings.namingTemplate, activeLutId: foreign.lut.id }))).toEqual({
      intent: "save-settings",
      ok: false,
      errors: { activeLutId: "that LUT is not in this shop (deleted?): pick one from the list or upload it again" },
    });
    expect(await post({ intent: "delete-lut", lutId: foreign.lut.id })).toEqual({ intent: "delete-lut", ok: false, message: "That LUT is not in this shop (already deleted?): reload the page." });
    expect(await settingsSnapshot(SHOP)).toEqual(before);
    expect((await load(OTHER)).settings.activeLutId).toBe(foreign.lut.id);
    expect((await load()).luts.map((l) => l.id)).not.toContain(foreign.lut.id);

    // The active LUT stays; another goes (its row, not its content-addressed file).
    expect(await post({ intent: "delete-lut", lutId: warm.id })).toEqual({ intent: "delete-lut", ok: false, message: "Warm linen is the active brand LUT: choose another LUT or None and save, then delete it." });
    const brand = await prisma.brandLut.findUniqueOrThrow({ where: { id: upload.lut.id } });
    expect(await post({ intent: "delete-lut", lutId: brand.id })).toEqual({ intent: "delete-lut", ok: true, name: "Brand look" });
    expect(await prisma.brandLut.findUnique({ where: { id: brand.id } })).toBeNull();
    expect(await assetStore().exists(brand.storageKey)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP, action: "post-production.lut.deleted", subjectId: brand.id } })).toBe(1);

    // "None" clears the brand LUT.
    expect(await post(saveFields({ channels: page.settings.channels, namingTemplate: page.settings.namingTemplate, activeLutId: "" }))).toMatchObject({ ok: true, settings: { activeLutId: "" } });
    expect((await prisma.postProductionSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).activeLutId).toBeNull();
    expect(await post({ intent: "delete-lut", lutId: warm.id })).toEqual({ intent: "delete-lut", ok: true, name: "Warm linen" });
  });

  it("refuses an unknown form, and authenticates the loader and action (no session token: no data, nothing done)", async () => {
    expect(await post({ intent: "delete-everything" })).toEqual({ intent: "form", ok: false, message: "unknown form: reload the page and try again" });
    const before = await settingsSnapshot(SHOP);
    expect((await refusedResponse(() => pageLoader(args(new Request(`${TEST_APP_URL}/app/post-production?shop=${SHOP}`))))).status).toBeGreaterThanOrEqual(300);
    const body = new FormData();
    for (const [name, value] of Object.entries(saveFields({ namingTemplate: "{sku}_{channel}.{ext}" }))) body.set(name, value);
    const refused = await refusedResponse(() => pageAction(args(new Request(`${TEST_APP_URL}/app/post-production`, { method: "POST", body, headers: { Authorization: "Bearer not-a-token" } }))));
    expect(refused.status).toBe(401);
    expect(await settingsSnapshot(SHOP)).toEqual(before);
  });
});
