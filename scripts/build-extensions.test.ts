import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { BUNDLE_LIMIT_BYTES, buildExtensions, uiExtensionModules } from "./build-extensions";

const out = mkdtempSync(path.join(tmpdir(), "shotlane-extensions-"));

describe("admin UI extensions", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("declares the product page block and action on the app's API version", () => {
    const modules = uiExtensionModules();
    expect(modules.map((m) => [m.handle, m.target, m.entry])).toEqual(
      expect.arrayContaining([
        ["product-panel-action", "admin.product-details.action.render", path.join("extensions", "product-panel-action", "src", "ActionExtension.tsx")],
        ["product-panel-block", "admin.product-details.block.render", path.join("extensions", "product-panel-block", "src", "BlockExtension.tsx")],
      ]),
    );
    for (const m of modules) expect(m.apiVersion).toBe(ADMIN_API_VERSION);
  });

  it("builds every extension's module into a bundle under Shopify's 64 KB, with Preact and without zod", async () => {
    const bundles = await buildExtensions({ outRoot: out });
    expect(bundles.length).toBeGreaterThanOrEqual(2);
    for (const bundle of bundles) {
      expect(bundle.bytes, bundle.outfile).toBeLessThan(BUNDLE_LIMIT_BYTES);
      const code = readFileSync(bundle.outfile, "utf8");
      // The panel's own addresses made it in; zod (about 60 KB minified) did not.
      expect(code).toContain("/api/extension/products/");
      expect(code).not.toMatch(/ZodError|\$ZodType/);
    }
  });
});
