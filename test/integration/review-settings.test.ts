import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loadReviewSettings, saveReviewSettings } from "../../app/review/review-settings.server";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.settings";
import { refusedResponse } from "../support/route-refusal";
import { settingsRoute } from "../support/settings-route";
import { TEST_APP_URL } from "../support/test-env";

const SHOP = "review-settings.myshopify.com";
const ROUTE_SHOP = "review-settings-route.myshopify.com";
const OTHER = "review-settings-other.myshopify.com";
const args = (request: Request) => ({ request, params: {}, context: {} });

const { post, load } = settingsRoute(ROUTE_SHOP, "91");

const audits = (shopId: string) => prisma.auditEvent.findMany({ where: { shopId, action: "review.settings.saved" }, orderBy: { at: "asc" } });

describe("review settings (PostgreSQL, service and the Settings route)", () => {
  beforeAll(async () => {
    // Only the offline sessions the token exchange needs exist beforehand; the shops' rows come from the saves.
    for (const shop of [ROUTE_SHOP, OTHER]) {
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products", accessToken: `shpat_${shop}`, expires: null } });
    }
  });

  it("reads the defaults for a shop that has saved nothing, without writing a row", async () => {
    expect(await loadReviewSettings(prisma, SHOP)).toEqual({ brandSignOff: false });
    expect(await prisma.reviewSettings.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("saves brand sign-off on and off, each with an audit event of before and after and the actor", async () => {
    expect(await saveReviewSettings(prisma, SHOP, "user:7", { brandSignOff: true })).toEqual({ ok: true, settings: { brandSignOff: true } });
    expect(await loadReviewSettings(prisma, SHOP)).toEqual({ brandSignOff: true });
    expect(await prisma.reviewSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toMatchObject({ brandSignOff: true, updatedBy: "user:7" });

    // The form's strings are read the same way as booleans.
    expect(await saveReviewSettings(prisma, SHOP, "user:8", { brandSignOff: "false" })).toEqual({ ok: true, settings: { brandSignOff: false } });
    expect(await loadReviewSettings(prisma, SHOP)).toEqual({ brandSignOff: false });
    expect(await prisma.reviewSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toMatchObject({ brandSignOff: false, updatedBy: "user:8" });

    const events = await audits(SHOP);
    expect(events.map((e) => ({ actor: e.actor, subjectType: e.subjectType, subjectId: e.subjectId, data: e.data }))).toEqual([
      { actor: "user:7", subjectType: "ReviewSettings", subjectId: SHOP, data: { before: { brandSignOff: false }, after: { brandSignOff: true } } },
      { actor: "user:8", subjectType: "ReviewSettings", subjectId: SHOP, data: { before: { brandSignOff: true }, after: { brandSignOff: false } } },
    ]);
  });

  it("refuses anything but a yes or no, naming the field, and saves nothing", async () => {
    await saveReviewSettings(prisma, SHOP, "user:7", { brandSignOff: true });
    const row = await prisma.reviewSettings.findUniqueOrThrow({ where: { shopId: SHOP } });
    const before = await prisma.auditEvent.count({ where: { shopId: SHOP } });
    const yesOrNo = "say whether approvals need a brand sign-off: true or false";
    expect(await saveReviewSettings(prisma, SHOP, "user:9", { brandSignOff: "maybe" })).toEqual({ ok: false, errors: { brandSignOff: yesOrNo } });
    expect(await saveReviewSettings(prisma, SHOP, "user:9", {})).toEqual({ ok: false, errors: { brandSignOff: yesOrNo } });
    expect(await saveReviewSettings(prisma, SHOP, "user:9", { brandSignOff: false, approvers: ["user:1"] })).toEqual({ ok: false, errors: { form: "only brandSignOff can be set here, not approvers" } });
    expect(await saveReviewSettings(prisma, SHOP, "user:9", "false")).toEqual({ ok: false, errors: { form: "send the review settings as an object, e.g. { brandSignOff: true }" } });
    expect(await prisma.reviewSettings.findUniqueOrThrow({ where: { shopId: SHOP } })).toEqual(row);
    expect(await prisma.auditEvent.count({ where: { shopId: SHOP } })).toBe(before);
  });

  it("shows and saves the setting through the Settings page's loader and action, for the signed-in staff account's shop only", async () => {
    expect((await load()).review).toEqual({ brandSignOff: false });
    expect(await post({ intent: "review", brandSignOff: "true" })).toEqual({ intent: "review", ok: true, message: "Review settings saved: approvals now wait for a brand sign-off" });
    expect((await load()).review).toEqual({ brandSignOff: true });
    // The actor is the Shopify staff account of the session token (its sub).
    const [event] = await audits(ROUTE_SHOP);
    expect(event).toMatchObject({ actor: "user:91", data: { before: { brandSignOff: false }, after: { brandSignOff: true } } });
    expect((await load(OTHER)).review).toEqual({ brandSignOff: false });

    expect(await post({ intent: "review", brandSignOff: "on" })).toEqual({ intent: "review", ok: false, errors: { brandSignOff: "say whether approvals need a brand sign-off: true or false" } });
    expect(await post({ intent: "review" })).toMatchObject({ intent: "review", ok: false, errors: { brandSignOff: expect.any(String) } });
    expect((await load()).review).toEqual({ brandSignOff: true });
    expect(await audits(ROUTE_SHOP)).toHaveLength(1);
  });

  it("refuses the loader and the action without a valid session token, and saves nothing", async () => {
    const loaderRefusal = await refusedResponse(() => settingsLoader(args(new Request(`${TEST_APP_URL}/app/settings?shop=${OTHER}`))));
    expect(loaderRefusal.status).toBeGreaterThanOrEqual(300);
    const body = new FormData();
    body.set("intent", "review");
    body.set("brandSignOff", "true");
    const actionRefusal = await refusedResponse(() => settingsAction(args(new Request(`${TEST_APP_URL}/app/settings`, { method: "POST", body, headers: { Authorization: "Bearer not-a-token" } }))));
    expect(actionRefusal.status).toBe(401);
    expect(await prisma.reviewSettings.count({ where: { shopId: OTHER } })).toBe(0);
    expect(await loadReviewSettings(prisma, OTHER)).toEqual({ brandSignOff: false });
  });
});
