import { describe, expect, it } from "vitest";
import { parsePinForm } from "./pin-form";

describe("parsePinForm", () => {
  it("reads a tier and a list of product ids, or none to unpin", () => {
    expect(parsePinForm({ tier: "2", productIds: '["gid://shopify/Product/1"]' })).toEqual({ ok: true, tier: 2, productIds: ["gid://shopify/Product/1"] });
    expect(parsePinForm({ tier: "none", productIds: '["gid://shopify/Product/1"]' })).toMatchObject({ ok: true, tier: null });
  });
  it("names the field and the fix when the form is wrong", () => {
    expect(parsePinForm({ tier: "4", productIds: "[]" })).toEqual({ ok: false, error: "tier: tier must be 1, 2, 3 or none; productIds: select at least one product" });
    expect(parsePinForm({ tier: "1", productIds: "not json" })).toEqual({ ok: false, error: "productIds: productIds must be a JSON list of product ids" });
    expect(parsePinForm({ tier: "1" })).toMatchObject({ ok: false, error: expect.stringMatching(/productIds is missing/) });
  });
});
