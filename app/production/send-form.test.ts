import { describe, expect, it } from "vitest";
import { parseSendForm } from "./send-form";

const gid = (n: number) => `gid://shopify/Product/${n}`;

describe("parseSendForm", () => {
  it("reads a JSON list of product GIDs, once each", () => {
    expect(parseSendForm({ productIds: JSON.stringify([gid(1), gid(2)]) })).toEqual({ ok: true, productIds: [gid(1), gid(2)] });
    expect(parseSendForm({ productIds: JSON.stringify([gid(1), gid(1)]) })).toEqual({ ok: true, productIds: [gid(1)] });
  });
  it("accepts 250 products and refuses 251", () => {
    const ids = Array.from({ length: 251 }, (_, i) => gid(i + 1));
    expect(parseSendForm({ productIds: JSON.stringify(ids.slice(0, 250)) })).toMatchObject({ ok: true });
    expect(parseSendForm({ productIds: JSON.stringify(ids) })).toEqual({ ok: false, error: "productIds: send at most 250 products at once" });
  });
  it("names the field and the fix when the form is wrong", () => {
    expect(parseSendForm({})).toMatchObject({ ok: false, error: expect.stringMatching(/^productIds: productIds is missing/) });
    expect(parseSendForm({ productIds: "not json" })).toEqual({ ok: false, error: "productIds: productIds must be a JSON list of product ids" });
    expect(parseSendForm({ productIds: "[]" })).toEqual({ ok: false, error: "productIds: select at least one product" });
    expect(parseSendForm({ productIds: JSON.stringify(["gid://shopify/Collection/1"]) })).toEqual({ ok: false, error: "productIds.0: each id must be a Product GID" });
    expect(parseSendForm({ productIds: JSON.stringify({ id: gid(1) }) })).toMatchObject({ ok: false, error: expect.stringMatching(/^productIds: /) });
  });
});
