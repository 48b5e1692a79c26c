import { describe, expect, it } from "vitest";
import { matchStudioFiles, type StudioCatalogProduct } from "./file-matching";
import { candidateProducts, compactSearchKey, nearbyProducts, parseStatusFilter, prefilterIndex, studioAssignmentSchema } from "./studio-intake";

const product = (n: number, skus: (string | null)[], colours: string[] = ["Black"]): StudioCatalogProduct => ({
  productId: `gid://shopify/Product/${n}`,
  title: `Product ${n}`,
  variants: skus.map((sku, i) => ({ id: `gid://shopify/ProductVariant/${n}${i}`, sku, options: { Color: colours[i % colours.length]!, Size: "M" } })),
});

describe("compactSearchKey", () => {
  it("ignores case, accents and every separator", () => {
    expect(compactSearchKey("SL-12_blk.M")).toBe("sl12blkm");
    expect(compactSearchKey("Crème  Brûlée-01")).toBe("cremebrulee01");
    expect(compactSearchKey("")).toBe("");
  });
});

describe("candidateProducts", () => {
  const catalog = [product(1, ["SL-1-BLK-M", "SL-1-BLK-L"]), product(2, ["SL-12-BLK-M"]), product(3, ["DR-9"]), product(4, [null, ""])];
  const index = prefilterIndex(catalog);

  it("keeps the products one of whose SKUs occurs in the name, in any spelling", () => {
    expect(candidateProducts(index, "sl_12_blk_m_front.JPG").map((p) => p.productId)).toEqual([catalog[1]!.productId]);
    expect(candidateProducts(index, "SL-1-BLK-M-front.jpg").map((p) => p.productId)).toEqual([catalog[0]!.productId]);
    expect(candidateProducts(index, "folder/DR9-back.png").map((p) => p.productId)).toEqual([catalog[2]!.productId]);
    expect(candidateProducts(index, "unknown_front.jpg")).toEqual([]);
    expect(index.variants).toBe(6);
  });

  it("matched through the candidates (the whole catalog otherwise) gives what the whole catalog gives: longest SKU, variant SKUs, no separators, ambiguity", () => {
    const big = Array.from({ length: 300 }, (_, i) => product(i + 10, [`BG-${i}-BLK-M`, `BG-${i}-RED-M`], ["Black", "Red"]));
    const twins = [product(900, ["TW-1"]), product(901, ["TW-1"])];
    const all = [...catalog, ...big, ...twins];
    const bigIndex = prefilterIndex(all);
    const names = ["SL-1-BLK-M_front.jpg", "sl12blkm_back.jpg", "BG 200 RED M - packshot.png", "BG-20-BLK-M_detail.tif", "SL-1-BLK_front.jpg", "DR-9_zoom.jpg", "bg-299-red-m_side.webp", "TW-1_front.jpg", "BG-7-BLK-M_sideways.jpg"];
    const statuses: string[] = [];
    for (const name of names) {
      const [whole] = matchStudioFiles([{ name }], all, "{sku}_{view}");
      const [quick] = matchStudioFiles([{ name }], candidateProducts(bigIndex, name), "{sku}_{view}");
      const [near] = matchStudioFiles([{ name }], nearbyProducts(bigIndex, name), "{sku}_{view}");
      expect(quick!.status === "matched" ? quick : near, name).toEqual(whole);
      if (whole!.status === "matched") expect(quick, name).toEqual(whole);
      statuses.push(whole!.status);
    }
    expect(statuses).toEqual(["matched", "matched", "matched", "matched", "unmatched", "matched", "matched", "ambiguous", "unmatched"]);
  });
});

describe("nearbyProducts", () => {
  /** A seeded catalog of structured SKUs (shared prefixes, like real ones) and names with typos, other separators and unknown parts. */
  function random(seed: number) {
    let state = seed;
    return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  }

  it("keeps every SKU within two edits of a part of the name, so the matcher's answer, reason and suggestions equal the whole catalog's", () => {
    const next = random(7);
    const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const colours = ["BLK", "RED", "NVY", "WHT"];
    const all = Array.from({ length: 200 }, (_, n) => product(n + 1, colours.map((c) => `SL-${pick(["DRS", "TOP", "KNT"])}-${String(n + 1).padStart(4, "0")}-${c}`), ["Black", "Red", "Navy", "White"]));
    const index = prefilterIndex(all);
    const views = ["front", "back", "packshot", "zoom", "sideways", "frnt"];
    let checked = 0;
    let suggested = 0;
    for (let i = 0; i < 120; i++) {
      const base = pick(all).variants[Math.floor(next() * 4)]!.sku!;
      const chars = [...base];
      // Zero to three typos: a changed, dropped or doubled character.
      for (let t = Math.floor(next() * 4); t > 0; t--) {
        const at = Math.floor(next() * chars.length);
        const kind = Math.floor(next() * 3);
        if (kind === 0) chars[at] = pick(["X", "7", "Q", "-"]);
        else if (kind === 1) chars.splice(at, 1);
        else chars.splice(at, 0, chars[at]!);
      }
      const name = `${chars.join("").replace(/-/g, pick(["-", "_", " ", ""]))}${pick(["_", "-"])}${pick(views)}.jpg`;
      const [whole] = matchStudioFiles([{ name }], all, "{sku}_{view}");
      const [quick] = matchStudioFiles([{ name }], candidateProducts(index, name), "{sku}_{view}");
      const [near] = matchStudioFiles([{ name }], nearbyProducts(index, name), "{sku}_{view}");
      expect(quick!.status === "matched" ? quick : near, name).toEqual(whole);
      checked++;
      if (whole!.status !== "matched" && (whole as { suggestions?: string[] }).suggestions?.length) suggested++;
    }
    expect(checked).toBe(120);
    // The sample must exercise the suggestions, not only clean matches.
    expect(suggested).toBeGreaterThan(12);
    expect(nearbyProducts(index, "SL-DRS-0001-BLK_front.jpg").length).toBeLessThan(all.length / 5);
  });
});

describe("studioAssignmentSchema", () => {
  it("needs a product and a still's view, and names the field to fix", () => {
    const bad = studioAssignmentSchema.safeParse({ productId: " ", assetKind: "video" });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries(bad.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(fields.productId).toBe("choose a product of this shop");
    expect(fields.assetKind).toMatch(/^choose the view the file shows \(On-model, front, .*Lifestyle\)$/);
    expect(studioAssignmentSchema.parse({ productId: "gid://shopify/Product/1", assetKind: "packshot", colour: "" })).toEqual({ productId: "gid://shopify/Product/1", assetKind: "packshot", colour: null });
  });
});

describe("parseStatusFilter", () => {
  it("keeps known statuses only", () => {
    expect(parseStatusFilter("unmatched, Ambiguous,nope")).toEqual(["unmatched", "ambiguous"]);
    expect(parseStatusFilter(["ingested"])).toEqual(["ingested"]);
    expect(parseStatusFilter(null)).toEqual([]);
  });
});
