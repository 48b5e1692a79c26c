import { describe, expect, it } from "vitest";
import { emulatorUrlFor } from "./emulator-redirect.server";

describe("emulatorUrlFor", () => {
  it("sends the demo shop's Admin API calls to the emulator, keeping path and query", () => {
    expect(emulatorUrlFor("https://demo.myshopify.com/admin/api/2026-10/graphql.json?x=1", "demo.myshopify.com", "http://127.0.0.1:4010/")).toBe(
      "http://127.0.0.1:4010/store/demo.myshopify.com/admin/api/2026-10/graphql.json?x=1",
    );
  });
  it("leaves every other host alone", () => {
    const url = "https://other.myshopify.com/admin/api/2026-10/graphql.json";
    expect(emulatorUrlFor(url, "demo.myshopify.com", "http://127.0.0.1:4010")).toBe(url);
    expect(emulatorUrlFor("https://cdn.shopify.com/x.png", "demo.myshopify.com", "http://127.0.0.1:4010")).toBe("https://cdn.shopify.com/x.png");
  });
});
