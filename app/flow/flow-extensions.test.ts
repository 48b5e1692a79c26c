import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { triggerDefinitionFromToml } from "../../emulator/flow-triggers";
import { ADMIN_API_VERSION } from "../shopify/api-version";
import {
  parseSendToProductionBody,
  SEND_TO_PRODUCTION_HANDLE,
  SEND_TO_PRODUCTION_KEYS,
  SEND_TO_PRODUCTION_PATH,
  VISUALS_APPROVED_HANDLE,
  VISUALS_APPROVED_KEYS,
  visualsApprovedPayload,
} from "./flow-extensions";

const extensionToml = z.object({
  api_version: z.string(),
  extensions: z.array(z.object({ name: z.string().min(1), type: z.string(), handle: z.string().max(30), description: z.string().optional(), runtime_url: z.url().optional() })).length(1),
  settings: z.object({ fields: z.array(z.object({ type: z.string(), key: z.string().optional(), required: z.boolean().optional() })) }),
});

const readToml = (dir: string) => extensionToml.parse(parse(readFileSync(`extensions/${dir}/shopify.extension.toml`, "utf8")));

/** A Remix flat route's URL path from its file name (dots are slashes). */
const routePath = (file: string) => `/${file.replace(/^app\/routes\//, "").replace(/\.tsx?$/, "").split(".").join("/")}`;

describe("Flow extensions (the tomls the CLI deploys) against what the backend sends and accepts", () => {
  it("the trigger: handle, api_version and payload keys equal what the worker sends", () => {
    const toml = readToml("flow-visuals-approved");
    expect(toml.api_version).toBe(ADMIN_API_VERSION);
    expect(toml.extensions[0]).toMatchObject({ type: "flow_trigger", handle: VISUALS_APPROVED_HANDLE });
    // The emulator reads the toml the way Flow does: reference fields become `<resource>_id`.
    const definition = triggerDefinitionFromToml(readFileSync("extensions/flow-visuals-approved/shopify.extension.toml", "utf8"));
    expect(definition?.fields.map((f) => f.key).sort()).toEqual(Object.values(VISUALS_APPROVED_KEYS).sort());
    expect(definition?.fields.find((f) => f.key === VISUALS_APPROVED_KEYS.product)?.type).toBe("product_reference");
    const payload = visualsApprovedPayload({ productId: "gid://shopify/Product/8100000001", assetCount: 4, tier: 2 });
    expect(Object.keys(payload).sort()).toEqual(definition?.fields.map((f) => f.key).sort());
    expect(payload).toEqual({ product_id: 8100000001, "Asset count": 4, Tier: 2 });
  });

  it("the action: handle, api_version, field keys, and a runtime_url on the app's origin whose path is the route", () => {
    const toml = readToml("flow-send-to-production");
    expect(toml.api_version).toBe(ADMIN_API_VERSION);
    const extension = toml.extensions[0];
    expect(extension).toMatchObject({ type: "flow_action", handle: SEND_TO_PRODUCTION_HANDLE });
    const runtime = new URL(extension.runtime_url!);
    const appUrl = new URL(z.object({ application_url: z.url() }).parse(parse(readFileSync("shopify.app.toml", "utf8"))).application_url);
    expect(runtime.origin).toBe(appUrl.origin);
    expect(runtime.protocol).toBe("https:");
    expect(runtime.pathname).toBe(SEND_TO_PRODUCTION_PATH);
    const route = "app/routes/flow.actions.send-to-production.ts";
    expect(existsSync(route)).toBe(true);
    expect(routePath(route)).toBe(SEND_TO_PRODUCTION_PATH);
    const [product, recipe, ...rest] = toml.settings.fields;
    expect(rest).toEqual([]);
    expect(product).toMatchObject({ type: "product_reference", required: true });
    expect(recipe).toMatchObject({ type: "single_line_text_field", key: SEND_TO_PRODUCTION_KEYS.recipe, required: false });
  });
});

describe("the action's request body", () => {
  const body = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    shop_id: "1",
    shopify_domain: "shop-a.myshopify.com",
    action_run_id: "run-1",
    action_definition_id: "Send product to Shotlane production",
    handle: SEND_TO_PRODUCTION_HANDLE,
    properties,
    ...extra,
  });

  it("takes the product as Flow sends it (numeric id, as a number or text) or as a GID, and an optional recipe", () => {
    for (const product of [8100000001, "8100000001", "gid://shopify/Product/8100000001"]) {
      const parsed = parseSendToProductionBody(body({ product_id: product, step_reference: "abc" }));
      expect(parsed).toEqual({ ok: true, body: expect.objectContaining({ properties: { product_id: "gid://shopify/Product/8100000001", recipe: undefined } }) });
    }
    expect(parseSendToProductionBody(body({ product_id: 1, recipe: " dresses " }))).toMatchObject({ ok: true, body: { properties: { recipe: "dresses" } } });
    expect(parseSendToProductionBody(body({ product_id: 1, recipe: "" }))).toMatchObject({ ok: true, body: { properties: { recipe: undefined } } });
  });

  it("names the field that is wrong and what to do", () => {
    expect(parseSendToProductionBody(body({ product_id: "gid://shopify/Order/1" }))).toEqual({ ok: false, errors: { "properties.product_id": expect.stringMatching(/product's id.*pick the product/) } });
    expect(parseSendToProductionBody(body({}))).toEqual({ ok: false, errors: { "properties.product_id": expect.any(String) } });
    expect(parseSendToProductionBody(body({ product_id: 1, recipe: 7 }))).toEqual({ ok: false, errors: { "properties.recipe": expect.stringMatching(/garment category key/) } });
    expect(parseSendToProductionBody(body({ product_id: 1 }, { action_run_id: " " }))).toEqual({ ok: false, errors: { action_run_id: expect.stringMatching(/must not be empty/) } });
    expect(parseSendToProductionBody(body({ product_id: 1 }, { shopify_domain: "shop.example.com" }))).toEqual({ ok: false, errors: { shopify_domain: expect.stringMatching(/myshopify\.com/) } });
    expect(parseSendToProductionBody(body({ product_id: 1 }, { handle: "other-action" }))).toEqual({ ok: false, errors: { handle: expect.stringMatching(/send-to-production/) } });
    expect(parseSendToProductionBody({ shopify_domain: "shop-a.myshopify.com", action_run_id: "r" })).toEqual({ ok: false, errors: { properties: expect.stringMatching(/is required/) } });
    expect(parseSendToProductionBody("not an object")).toMatchObject({ ok: false });
  });
});
