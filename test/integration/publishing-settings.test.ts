import { beforeAll, describe, expect, it } from "vitest";
import { upsertMirrorProducts } from "../../app/catalog/mirror.server";
import prisma from "../../app/db.server";
import { DEFAULT_PUBLISHING_SETTINGS, publishingSettingsForm } from "../../app/publishing/publishing-settings";
import { ALT_TEXT_SAMPLE, altTextSample, loadPublishingSettings, savePublishingSettings } from "../../app/publishing/publishing-settings.server";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.settings";
import { mirrorProduct } from "../support/factories";
import { refusedResponse } from "../support/route-refusal";
import { settingsRoute } from "../support/settings-route";
import { TEST_APP_URL } from "../support/test-env";

const SHOP = "publishing-settings.myshopify.com";
const ROUTE_SHOP = "publishing-settings-route.myshopify.com";
const OTHER = "publishing-settings-other.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });

const { post, load } = settingsRoute(ROUTE_SHOP, "42");

const audits = (shopId: string) => prisma.auditEvent.findMany({ where: { shopId, action: "publishing.settings.saved" }, orderBy: { id: "asc" } });

const changed = { placement: "replace-view" as const, replaceAll: true, altTemplate: "{vendor}: {title} ({colour}), {view}", aiDisclosure: false, publishOnApproval: false, autoProduceTiers: [1, 3], draftUntilPublished: true };

describe("publishing settings (PostgreSQL, service and the Settings route)", () => {
  beforeAll(async () => {
    for (const shop of [ROUTE_SHOP, OTHER]) {
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
  });

  it("gives a shop that saved nothing the defaults, which are exactly the schema's column defaults", async () => {
    expect(await loadPublishingSettings(prisma, SHOP)).toEqual(DEFAULT_PUBLISHING_SETTINGS);
    expect(await prisma.publishingSettings.count({ where: { shopId: SHOP } })).toBe(0);
    // A row created with nothing but its shop gets PostgreSQL's defaults: they must match what the app assumes without one.
    const probe = "publishing-settings-defaults.myshopify.com";
    await prisma.shop.create({ data: { id: probe } });
    await prisma.publishingSettings.create({ data: { shopId: probe } });
    expect(await loadPublishingSettings(prisma, probe)).toEqual(DEFAULT_PUBLISHING_SETTINGS);
  });

  it("saves every setting with the actor, and audits before and after", async () => {
    expect(await savePublishingSettings(prisma, SHOP, publishingSettingsForm(changed), "user:7")).toEqual({ ok: true, settings: changed });
    expect(await loadPublishingSettings(prisma, SHOP)).toEqual(changed);
    expect(await prisma.publishingSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toMatchObject({ ...changed, updatedBy: "user:7" });

    const back = { ...DEFAULT_PUBLISHING_SETTINGS, autoProduceTiers: [] };
    expect(await savePublishingSettings(prisma, SHOP, back, "user:8")).toEqual({ ok: true, settings: back });
    expect(await loadPublishingSettings(prisma, SHOP)).toEqual(back);

    const events = await audits(SHOP);
    expect(events.map((e) => ({ actor: e.actor, subjectType: e.subjectType, subjectId: e.subjectId, data: e.data }))).toEqual([
      { actor: "user:7", subjectType: "PublishingSettings", subjectId: SHOP, data: { before: DEFAULT_PUBLISHING_SETTINGS, after: changed } },
      { actor: "user:8", subjectType: "PublishingSettings", subjectId: SHOP, data: { before: changed, after: back } },
    ]);
  });

  it("refuses bad input field by field and saves nothing", async () => {
    await savePublishingSettings(prisma, SHOP, changed, "user:7");
    const row = await prisma.publishingSettings.findUniqueOrThrow({ where: { shopId: SHOP } });
    const before = await prisma.auditEvent.count({ where: { shopId: SHOP } });
    const refused = await savePublishingSettings(prisma, SHOP, { ...publishingSettingsForm(changed), placement: "middle", altTemplate: "{title} – {color}", autoProduceTiers: "2,5" }, "user:9");
    expect(refused).toEqual({
      ok: false,
      errors: {
        placement: "choose where new media goes: first, after-studio, last, replace-view",
        altTemplate: "{color} is not a placeholder (did you mean {colour}?): use {title}, {colour}, {view}, {vendor}, {productType}, {sku}",
        autoProduceTiers: '"5" is not a tier: choose tiers from 1, 2 and 3 (or none), such as 3 or 1,3',
      },
    });
    expect(await savePublishingSettings(prisma, SHOP, { placement: "first" }, "user:9")).toMatchObject({ ok: false, errors: { replaceAll: expect.any(String), altTemplate: expect.any(String), draftUntilPublished: expect.any(String) } });
    expect(await prisma.publishingSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toEqual(row);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP } })).toBe(before);
  });

  it("falls back to the default placement when a stored one is unknown", async () => {
    const shop = "publishing-settings-odd.myshopify.com";
    await prisma.shop.create({ data: { id: shop } });
    await prisma.publishingSettings.create({ data: { shopId: shop, placement: "middle", autoProduceTiers: [3, 1, 3] } });
    expect(await loadPublishingSettings(prisma, shop)).toEqual({ ...DEFAULT_PUBLISHING_SETTINGS, autoProduceTiers: [1, 3] });
  });

  it("previews alt text on one of the shop's products, preferring one with a colour, else on the built-in sample", async () => {
    const shop = "publishing-settings-sample.myshopify.com";
    expect(await altTextSample(prisma, shop)).toEqual({ facts: ALT_TEXT_SAMPLE, fromCatalog: false });
    await prisma.shop.create({ data: { id: shop } });
    await upsertMirrorProducts(prisma, shop, [
      mirrorProduct({ id: 1, title: "A Plain Tote", productType: "Bags", variants: [{ id: "gid://shopify/ProductVariant/101", title: "Default", sku: null, priceCents: 100, options: { Title: "Default Title" }, position: 1 }] }),
      mirrorProduct({ id: 2, title: "B Linen Shirt", vendor: "Maison", variants: [{ id: "gid://shopify/ProductVariant/201", title: "Ecru / M", sku: "LS-ECRU-M", priceCents: 100, options: { Colour: "Ecru", Size: "M" }, position: 1 }] }),
    ]);
    expect(await altTextSample(prisma, shop)).toEqual({ facts: { title: "B Linen Shirt", colour: "Ecru", vendor: "Maison", productType: "Tops", sku: "LS-ECRU-M" }, fromCatalog: true });
  });

  it("shows and saves the settings through the Settings page's loader and action, for the signed-in staff account's shop only", async () => {
    expect((await load()).publishing.settings).toEqual(DEFAULT_PUBLISHING_SETTINGS);
    expect(await post({ intent: "publishing", ...publishingSettingsForm(changed) })).toEqual({ intent: "publishing", ok: true, message: "Publishing settings saved" });
    expect((await load()).publishing.settings).toEqual(changed);
    const [event] = await audits(ROUTE_SHOP);
    expect(event).toMatchObject({ actor: "user:42", data: { before: DEFAULT_PUBLISHING_SETTINGS, after: changed } });
    expect((await load(OTHER)).publishing.settings).toEqual(DEFAULT_PUBLISHING_SETTINGS);

    // Errors come back on their fields; the stored settings do not move.
    expect(await post({ intent: "publishing", ...publishingSettingsForm(changed), replaceAll: "on", altTemplate: "" })).toEqual({
      intent: "publishing",
      ok: false,
      errors: { replaceAll: "say whether Shotlane may replace media it did not create: true or false", altTemplate: "enter a template such as {title} – {colour} – {view}" },
    });
    expect(await post({ intent: "publishing", ...publishingSettingsForm(changed), provider: "fashn" })).toEqual({
      intent: "publishing",
      ok: false,
      errors: { form: "only placement, replaceAll, altTemplate, aiDisclosure, publishOnApproval, autoProduceTiers, draftUntilPublished can be set here, not provider" },
    });
    expect((await load()).publishing.settings).toEqual(changed);
    expect(await audits(ROUTE_SHOP)).toHaveLength(1);
  });

  it("refuses the action without a valid session token, and saves nothing", async () => {
    const body = new FormData();
    for (const [name, value] of Object.entries({ intent: "publishing", ...publishingSettingsForm(changed) })) body.set(name, value);
    const refusal = await refusedResponse(() => settingsAction(args(new Request(`${TEST_APP_URL}/app/settings`, { method: "POST", body, headers: { Authorization: "Bearer not-a-token" } }))));
    expect(refusal.status).toBe(401);
    expect(await prisma.publishingSettings.count({ where: { shopId: OTHER } })).toBe(0);
  });
});
