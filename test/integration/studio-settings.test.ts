import { beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { DEFAULT_STUDIO_SETTINGS, STUDIO_NAMING_SAMPLE, studioNamingExample, studioSettingsForm, type StudioSettings } from "../../app/studio/studio-settings";
import { loadStudioSettings, saveStudioSettings, studioNamingSample } from "../../app/studio/studio-settings.server";
import { mirrorProduct } from "../support/factories";
import { settingsRoute } from "../support/settings-route";

const SHOP = "studio-settings.myshopify.com";
const ROUTE_SHOP = "studio-settings-route.myshopify.com";

const { post, load } = settingsRoute(ROUTE_SHOP, "42");

const audits = (shopId: string) => prisma.auditEvent.findMany({ where: { shopId, action: "studio.settings.saved" }, orderBy: { id: "asc" } });

/** The settings a shop changes to; its S3 location names the shop's own folder, as the worker requires. */
const changedFor = (shop: string): StudioSettings => ({ imagesPerDay: 450, workdays: [1, 2, 4, 6], leadDays: 10, imagesPerView: 2, namingTemplate: "{sku}-{view}-{index}", watchPrefix: `s3://studio-drops/incoming/${shop}/` });

describe("studio settings (PostgreSQL, service and the Settings route)", () => {
  beforeAll(async () => {
    await prisma.session.create({ data: { id: `offline_${ROUTE_SHOP}`, shop: ROUTE_SHOP, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${ROUTE_SHOP}`, expires: null } });
  });

  it("gives a shop that saved nothing the defaults, which are exactly the schema's column defaults", async () => {
    expect(await loadStudioSettings(prisma, SHOP)).toEqual(DEFAULT_STUDIO_SETTINGS);
    expect(await prisma.studioSettings.count({ where: { shopId: SHOP } })).toBe(0);
    const probe = "studio-settings-defaults.myshopify.com";
    await prisma.shop.create({ data: { id: probe } });
    await prisma.studioSettings.create({ data: { shopId: probe } });
    expect(await loadStudioSettings(prisma, probe)).toEqual(DEFAULT_STUDIO_SETTINGS);
  });

  it("saves every setting with the actor, and audits before and after", async () => {
    expect(await saveStudioSettings(prisma, SHOP, studioSettingsForm(changedFor(SHOP)), "user:7")).toEqual({ ok: true, settings: changedFor(SHOP) });
    expect(await loadStudioSettings(prisma, SHOP)).toEqual(changedFor(SHOP));
    expect(await prisma.studioSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toMatchObject({ ...changedFor(SHOP), updatedBy: "user:7" });
    const events = await audits(SHOP);
    expect(events.map((e) => ({ actor: e.actor, subjectId: e.subjectId, data: e.data }))).toEqual([{ actor: "user:7", subjectId: SHOP, data: { before: DEFAULT_STUDIO_SETTINGS, after: changedFor(SHOP) } }]);
  });

  it("saves through the Settings route with a signed session token and shows the settings on the page", async () => {
    const result = await post({ intent: "studio", ...studioSettingsForm(changedFor(ROUTE_SHOP)), workdays: "6,4,2,1,4" });
    expect(result).toEqual({ intent: "studio", ok: true, message: "Studio settings saved" });
    const page = await load();
    expect(page.studio.settings).toEqual(changedFor(ROUTE_SHOP));
    expect(await audits(ROUTE_SHOP)).toMatchObject([{ actor: "user:42" }]);
  });

  it("refuses bad input field by field through the route, and saves nothing", async () => {
    await saveStudioSettings(prisma, ROUTE_SHOP, studioSettingsForm(changedFor(ROUTE_SHOP)), "user:42");
    const row = await prisma.studioSettings.findUniqueOrThrow({ where: { shopId: ROUTE_SHOP } });
    const eventsBefore = await prisma.auditEvent.count({ where: { shopId: ROUTE_SHOP } });
    const refused = await post({ intent: "studio", imagesPerDay: "0", workdays: "1,8", leadDays: "two", imagesPerView: "1", namingTemplate: "{sku}_{angel}", watchPrefix: "ftp://studio.example.com/in" });
    expect(refused).toEqual({
      intent: "studio",
      ok: false,
      errors: {
        imagesPerDay: "Images per studio day must be a whole number from 1 to 5000",
        workdays: "choose weekdays from Sunday (0) to Saturday (6)",
        leadDays: "Lead time must be a whole number from 0 to 90",
        namingTemplate: "{angel} is not a placeholder: use {sku}, {view}, {colour}, {index}",
        watchPrefix: "use a local folder or an s3://bucket/prefix location; other URLs are not supported",
      },
    });
    // Missing fields are refused by name too, not saved as defaults.
    expect(await post({ intent: "studio", imagesPerDay: "300" })).toMatchObject({ ok: false, errors: { workdays: expect.any(String), leadDays: expect.any(String), imagesPerView: expect.any(String), namingTemplate: expect.any(String) } });
    // Another shop's S3 folder (or none) is refused on save, with the folder to use, not at the worker's first poll.
    expect(await post({ intent: "studio", ...studioSettingsForm(changedFor(ROUTE_SHOP)), watchPrefix: "s3://studio-drops/incoming/other-shop.myshopify.com/" })).toEqual({
      intent: "studio",
      ok: false,
      errors: { watchPrefix: `the S3 location must contain a folder named after the shop: use s3://studio-drops/incoming/other-shop.myshopify.com/${ROUTE_SHOP}/` },
    });
    expect(await prisma.studioSettings.findUniqueOrThrow({ where: { shopId: ROUTE_SHOP } })).toEqual(row);
    expect(await prisma.auditEvent.count({ where: { shopId: ROUTE_SHOP } })).toBe(eventsBefore);
  });

  it("shows the naming example with a catalog product that has a SKU and a colour, else the built-in sample", async () => {
    const shop = "studio-settings-sample.myshopify.com";
    await prisma.shop.create({ data: { id: shop } });
    expect(await studioNamingSample(prisma, shop)).toEqual({ product: STUDIO_NAMING_SAMPLE, fromCatalog: false });
    await upsertMirrorProducts(prisma, shop, [
      mirrorProduct({ id: 1, title: "Alpha Tee", variants: [{ id: "gid://shopify/ProductVariant/101", title: "M", sku: "AT-1-M", priceCents: 1000, options: { Size: "M" }, position: 1 }] }),
      mirrorProduct({
        id: 2,
        title: "Linen Wrap Dress",
        variants: [
          { id: "gid://shopify/ProductVariant/201", title: "Black / S", sku: "LWD-001-BLK", priceCents: 9000, options: { Colour: "Black", Size: "S" }, position: 1 },
          { id: "gid://shopify/ProductVariant/202", title: "Sand / S", sku: "LWD-001-SND", priceCents: 9000, options: { Colour: "Sand", Size: "S" }, position: 2 },
        ],
      }),
    ]);
    const sample = await studioNamingSample(prisma, shop);
    expect(sample.fromCatalog).toBe(true);
    expect(sample.product.title).toBe("Linen Wrap Dress");
    expect(studioNamingExample("{sku}_{view}", sample.product)).toEqual({ ok: true, fileName: "LWD-001-BLK_front.jpg", matched: true, description: "Linen Wrap Dress, Black, On-model, front" });
  });
});
