import { describe, expect, it } from "vitest";
import { ASSET_KINDS } from "../production/production-plan";
import {
  matchStudioFiles,
  parseStudioNamingTemplate,
  summariseMatches,
  viewAssetKind,
  type StudioCatalogProduct,
  type StudioMatch,
  type StudioMatched,
  type StudioProblem,
} from "./file-matching";

const tee: StudioCatalogProduct = {
  productId: "p-tee",
  title: "Linen Tee",
  variants: [
    { id: "v-blk-s", sku: "SL-00012-BLK-S", options: { Color: "Black", Size: "S" } },
    { id: "v-blk-m", sku: "SL-00012-BLK-M", options: { Color: "Black", Size: "M" } },
    { id: "v-wht-s", sku: "SL-00012-WHT-S", options: { Color: "White", Size: "S" } },
    { id: "v-wht-m", sku: "SL-00012-WHT-M", options: { Color: "White", Size: "M" } },
  ],
};
const dress: StudioCatalogProduct = {
  productId: "p-dress",
  title: "Crème Dress",
  variants: [
    { id: "d-1", sku: "DR-1", options: { Colour: "Crème", Size: "38" } },
    { id: "d-2", sku: "DR-1-NAVY", options: { Colour: "Navy Blue", Size: "38" } },
  ],
};
const bag: StudioCatalogProduct = { productId: "p-bag", title: "Tote", variants: [{ id: "b-1", sku: "TOTE01", options: { Size: "One size" } }, { id: "b-2", sku: null, options: {} }] };
const catalog = [tee, dress, bag];

function one(name: string, template = "{sku}_{view}", cat = catalog, bytes?: number): StudioMatch {
  return matchStudioFiles([{ name, bytes }], cat, template)[0];
}
function matched(result: StudioMatch): StudioMatched {
  if (result.status !== "matched") throw new Error(`expected a match, got ${result.status}: ${result.reason}`);
  return result;
}
function problem(result: StudioMatch): StudioProblem {
  if (result.status === "matched") throw new Error(`expected a problem, got a match for ${result.productId}`);
  return result;
}

describe("parseStudioNamingTemplate", () => {
  it("compiles placeholders and the separators between them", () => {
    const parsed = parseStudioNamingTemplate("{sku}_{view}_{index}");
    expect(parsed).toEqual({ ok: true, matcher: { template: "{sku}_{view}_{index}", literals: ["", "-", "-", ""], placeholders: ["sku", "view", "index"] } });
  });

  it("accepts a prefix, {color} and upper-case placeholder names, and tolerates a trailing .{ext}", () => {
    const parsed = parseStudioNamingTemplate("Studio {SKU}-{color} {view}.{ext}");
    expect(parsed.ok && parsed.matcher.placeholders).toEqual(["sku", "colour", "view"]);
    expect(parsed.ok && parsed.matcher.literals).toEqual(["studio-", "-", "-", ""]);
  });

  it("requires {sku} and {view}, explaining why", () => {
    const parsed = parseStudioNamingTemplate("{colour}_{index}");
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toContain("must contain {sku}: the SKU (of any variant) is how a file finds its product");
    expect(errors.some((e) => e.startsWith("must contain {view}"))).toBe(true);
  });

  it("names unknown placeholders together with the known ones", () => {
    const parsed = parseStudioNamingTemplate("{sku}_{angel}_{view}");
    expect(parsed.ok ? [] : parsed.errors).toEqual(["{angel} is not a placeholder: use {sku}, {view}, {colour}, {index}"]);
  });

  it("refuses two placeholders with no separator between them", () => {
    const parsed = parseStudioNamingTemplate("{sku}{view}");
    expect(parsed.ok ? [] : parsed.errors).toEqual(["{sku}{view} has nothing between them, so a name cannot be split: put a separator such as _ between them"]);
  });

  it("refuses stray braces, repeated placeholders, an extension and unsafe characters", () => {
    const errors = (t: string) => {
      const parsed = parseStudioNamingTemplate(t);
      return parsed.ok ? [] : parsed.errors;
    };
    expect(errors("{sku_{view}")).toContain("a brace is not closed: write placeholders as {sku}");
    expect(errors("{sku}_{view}}")).toContain("a brace is not closed: write placeholders as {sku}");
    expect(errors("{sku}_{view}_{sku}")).toContain("{sku} appears twice: use each placeholder once");
    expect(errors("{sku}_{view}.jpg")).toContain("leave out the extension .jpg: every image and video type is accepted");
    expect(errors("{sku}/{view}")).toContain('"/" cannot be used between placeholders: use letters, digits, dashes, underscores, dots or spaces');
    expect(errors("   ")).toEqual(["enter a naming convention such as {sku}_{view}"]);
  });

  it("makes matchStudioFiles throw on an invalid template string", () => {
    expect(() => matchStudioFiles([{ name: "a.jpg" }], catalog, "{sku}")).toThrow(/naming convention "\{sku\}" is not usable: must contain \{view\}/);
  });
});

describe("viewAssetKind", () => {
  it("maps studio words to plan asset kinds, any case", () => {
    expect(viewAssetKind("FR")).toBe("on-model-front");
    expect(viewAssetKind("f")).toBe("on-model-front");
    expect(viewAssetKind("Bk")).toBe("on-model-back");
    expect(viewAssetKind("side")).toBe("on-model-side");
    expect(viewAssetKind("flat")).toBe("packshot");
    expect(viewAssetKind("PACK")).toBe("packshot");
    expect(viewAssetKind("zoom")).toBe("detail");
    expect(viewAssetKind("dt")).toBe("detail");
    expect(viewAssetKind("Lifestyle")).toBe("lifestyle");
    expect(viewAssetKind("video")).toBe("video");
    expect(viewAssetKind("on_model_front")).toBe("on-model-front");
    expect(viewAssetKind("top")).toBeNull();
  });

  it("accepts every plan asset kind by its own name", () => {
    for (const kind of ASSET_KINDS) expect(viewAssetKind(kind)).toBe(kind);
  });
});

describe("matchStudioFiles: SKUs", () => {
  it("matches any variant's SKU to the product and the variants of its colourway", () => {
    expect(one("SL-00012-BLK-M_front.jpg")).toEqual({
      name: "SL-00012-BLK-M_front.jpg",
      status: "matched",
      productId: "p-tee",
      productTitle: "Linen Tee",
      sku: "SL-00012-BLK-M",
      variantIds: ["v-blk-s", "v-blk-m"],
      colour: "Black",
      asset: "on-model-front",
      view: "front",
    });
    const white = matched(one("SL-00012-WHT-S_back.png"));
    expect(white.variantIds).toEqual(["v-wht-s", "v-wht-m"]);
    expect(white.colour).toBe("White");
    expect(white.asset).toBe("on-model-back");
  });

  it("ignores case in SKU, view and extension", () => {
    const result = matched(one("sl-00012-blk-m_FRONT.JPG"));
    expect(result.productId).toBe("p-tee");
    expect(result.sku).toBe("SL-00012-BLK-M");
    expect(result.view).toBe("FRONT");
  });

  it("treats -, _, . and spaces as the same separator, in the SKU and in the template", () => {
    for (const name of ["sl_00012_blk_m_front.jpg", "SL 00012 BLK M front.jpg", "SL.00012.BLK.M-front.jpg", "SL-00012-BLK-M-front.jpg"]) {
      const result = matched(one(name));
      expect([result.sku, result.asset]).toEqual(["SL-00012-BLK-M", "on-model-front"]);
    }
  });

  it("accepts a SKU written without separators when nothing else matches", () => {
    const result = matched(one("SL00012BLKM_front.jpg"));
    expect(result.sku).toBe("SL-00012-BLK-M");
  });

  it("lets the longest SKU win, so a shorter SKU that is a prefix never takes the file", () => {
    const navy = matched(one("DR-1-NAVY_front.jpg"));
    expect([navy.sku, navy.colour, navy.variantIds]).toEqual(["DR-1-NAVY", "Navy Blue", ["d-2"]]);
    const creme = matched(one("DR-1_front.jpg"));
    expect([creme.sku, creme.colour, creme.variantIds]).toEqual(["DR-1", "Crème", ["d-1"]]);
    // Both "DR-1" + colour "navy-navy-blue" and "DR-1-NAVY" + "navy-blue" fit the template: the longer SKU is taken.
    const both = matched(one("DR-1-NAVY_navy-blue_front.jpg", "{sku}_{colour}_{view}"));
    expect([both.sku, both.colour]).toEqual(["DR-1-NAVY", "Navy Blue"]);
  });

  it("matches a product without a colour option (colour null, all its variants without colour)", () => {
    const result = matched(one("tote01_packshot.webp"));
    expect([result.productId, result.colour, result.variantIds, result.asset]).toEqual(["p-bag", null, ["b-1", "b-2"], "packshot"]);
  });

  it("reports an unknown SKU with the nearest known SKUs", () => {
    const result = problem(one("SL-00012-BLK-X_front.jpg"));
    expect(result.status).toBe("unmatched");
    expect(result.suggestions).toEqual(["SL-00012-BLK-M", "SL-00012-BLK-S"]);
    expect(result.reason).toBe('SKU "SL-00012-BLK-X" is not in the catalog (did you mean SL-00012-BLK-M, SL-00012-BLK-S?): rename the file or assign it by hand');
  });

  it("reports an unknown SKU without suggestions when nothing is close", () => {
    const result = problem(one("ZZ-99999_front.jpg"));
    expect(result.reason).toBe('SKU "ZZ-99999" is not in the catalog: rename the file or assign it by hand');
    expect(result.suggestions).toEqual([]);
  });

  it("marks a SKU found on several products as ambiguous, naming them", () => {
    const twin: StudioCatalogProduct = { productId: "p-twin", title: "Old Tee", variants: [{ id: "t-1", sku: "sl-00012-blk-m", options: { Color: "Black" } }] };
    const result = problem(one("SL-00012-BLK-M_front.jpg", "{sku}_{view}", [tee, twin]));
    expect(result.status).toBe("ambiguous");
    expect(result.productIds).toEqual(["p-tee", "p-twin"]);
    expect(result.reason).toBe('SKU "SL-00012-BLK-M" belongs to 2 products (Linen Tee, Old Tee): make the SKUs unique in Shopify or assign the file by hand');
  });

  it("marks a SKU shared by variants of two colours of one product as ambiguous", () => {
    const shared: StudioCatalogProduct = { productId: "p-s", title: "Scarf", variants: [{ id: "s-1", sku: "SC-1", options: { Color: "Red" } }, { id: "s-2", sku: "SC-1", options: { Color: "Blue" } }] };
    const result = problem(one("SC-1_front.jpg", "{sku}_{view}", [shared]));
    expect(result.status).toBe("ambiguous");
    expect(result.reason).toMatch(/^SKU "SC-1" is on variants of several colours \(Red, Blue\) of Scarf/);
  });

  it("marks a separator-less SKU that could be two SKUs as ambiguous", () => {
    const clash: StudioCatalogProduct[] = [
      { productId: "a", title: "A", variants: [{ id: "a1", sku: "AB-1", options: {} }] },
      { productId: "b", title: "B", variants: [{ id: "b1", sku: "A-B1", options: {} }] },
    ];
    expect(problem(one("AB1_front.jpg", "{sku}_{view}", clash)).status).toBe("ambiguous");
    expect(matched(one("A_B1_front.jpg", "{sku}_{view}", clash)).productId).toBe("b");
  });
});

describe("matchStudioFiles: views, extensions, template", () => {
  it("lists the accepted views for an unknown view", () => {
    const result = problem(one("SL-00012-BLK-M_top.jpg"));
    expect(result.status).toBe("unmatched");
    expect(result.reason).toMatch(/^"top" is not a known view: name it front\/fr\/f\/model-front \(On-model, front\), back\/bk/);
    expect(result.reason).toContain("video/vid/movie (Video)");
  });

  it("reports a name that does not follow the template, showing it", () => {
    const result = problem(one("IMG_4711.jpg", "studio_{sku}_{view}"));
    expect(result.reason).toBe("does not follow the naming convention studio_{sku}_{view} (for example studio_SL-00012-BLK-M_front.jpg): rename it or assign it by hand");
    // The whole name is a SKU: the view is missing, so the convention is the fix, not a SKU suggestion.
    expect(problem(one("SL-00012-BLK-M.jpg")).reason).toBe("does not follow the naming convention {sku}_{view} (for example SL-00012-BLK-M_front.jpg): rename it or assign it by hand");
  });

  it("reports both an unknown SKU and an unknown view when neither is known", () => {
    const result = problem(one("XX-1_top.jpg"));
    expect(result.reason).toBe('SKU "XX-1" is not in the catalog, "top" is not a known view: follow {sku}_{view} or assign it by hand');
  });

  it("rejects files that are not images or videos, and files with no extension", () => {
    expect(problem(one("SL-00012-BLK-M_front.pdf"))).toMatchObject({ status: "rejected", reason: expect.stringMatching(/^\.pdf is not an image or video: upload \.jpg, \.jpeg, \.png/) });
    expect(problem(one(".DS_Store")).status).toBe("rejected");
    expect(problem(one("SL-00012-BLK-M_front")).reason).toMatch(/^has no extension/);
  });

  it("rejects an empty file", () => {
    expect(problem(one("SL-00012-BLK-M_front.jpg", "{sku}_{view}", catalog, 0))).toMatchObject({ status: "rejected", reason: "the file is empty (0 bytes): upload it again" });
  });

  it("makes video files video assets, and refuses a still named as the video view", () => {
    expect(matched(one("SL-00012-BLK-M_video.mp4")).asset).toBe("video");
    expect(matched(one("SL-00012-BLK-M_front.MOV")).asset).toBe("video");
    expect(problem(one("SL-00012-BLK-M_video.jpg"))).toMatchObject({ status: "rejected", reason: '"video" is the video view but .jpg is a still image: upload the video (.mp4, .mov, .m4v, .webm) or name the still by its view (front, packshot …)' });
  });

  it("reads {index} as a shot number and {colour} as the colourway", () => {
    const result = matched(one("SL-00012-WHT-M_white_detail_03.jpg", "{sku}_{colour}_{view}_{index}"));
    expect([result.colour, result.asset, result.index, result.variantIds]).toEqual(["White", "detail", 3, ["v-wht-s", "v-wht-m"]]);
    expect(matched(one("navy-blue_DR-1-NAVY_front.jpg", "{colour}_{sku}_{view}")).colour).toBe("Navy Blue");
  });

  it("refuses a colour the product does not have, or one that contradicts the SKU", () => {
    expect(problem(one("SL-00012-WHT-M_red_front.jpg", "{sku}_{colour}_{view}")).reason).toBe('"red" is not a colour of Linen Tee: use Black, White');
    expect(problem(one("SL-00012-WHT-M_black_front.jpg", "{sku}_{colour}_{view}")).reason).toBe('the name says Black but SKU "SL-00012-WHT-M" is White: fix the SKU or the colour, or assign it by hand');
  });

  it("explains a shot number that is not a number", () => {
    expect(problem(one("SL-00012-BLK-M_front_x.jpg", "{sku}_{view}_{index}")).reason).toContain('shot number "x" is not a number');
  });

  it("handles unicode file names (NFD from macOS, accents, non-Latin) and folder paths", () => {
    const nfd = "Crème_DR-1_front.jpg".normalize("NFD");
    expect(matched(one(nfd, "{colour}_{sku}_{view}")).colour).toBe("Crème");
    expect(matched(one("creme_DR-1_front.jpg", "{colour}_{sku}_{view}")).colour).toBe("Crème");
    const cyrillic: StudioCatalogProduct = { productId: "p-ru", title: "Платье", variants: [{ id: "r1", sku: "ПЛ-7", options: { Color: "Чёрный" } }] };
    expect(matched(one("пл-7_front.jpg", "{sku}_{view}", [cyrillic])).productId).toBe("p-ru");
    expect(matched(one("shoot 12/day-2\\SL-00012-BLK-M_front.jpg")).name).toBe("shoot 12/day-2\\SL-00012-BLK-M_front.jpg");
  });

  it("handles very long names: matches a long SKU and answers quickly for one full of separators", () => {
    const longSku = `LONG-${"A1-".repeat(60)}END`;
    const long: StudioCatalogProduct = { productId: "p-long", title: "Long", variants: [{ id: "l1", sku: longSku, options: {} }] };
    expect(matched(one(`${longSku}_front.jpg`, "{sku}_{view}", [long])).productId).toBe("p-long");
    // 255 characters, nearly all separators: the split tries are capped, so this stays fast.
    const messy = `${"a_".repeat(121)}front.jpg`;
    expect(messy.length).toBeLessThanOrEqual(255);
    expect(problem(one(messy, "{colour}_{sku}_{view}_{index}")).status).toBe("unmatched");
    const tooLong = `SL-00012-BLK-M_front_${"x".repeat(300)}.jpg`;
    expect(problem(one(tooLong))).toMatchObject({ status: "rejected", reason: `the name is ${tooLong.length} characters long: shorten it to 255 or fewer` });
  });
});

describe("matchStudioFiles: duplicates and batches", () => {
  it("marks both files of the same product, colour, view and shot number, naming the first", () => {
    const results = matchStudioFiles([{ name: "SL-00012-BLK-M_front.jpg" }, { name: "sl-00012-blk-s_FR.jpg" }, { name: "SL-00012-BLK-M_back.jpg" }], catalog, "{sku}_{view}");
    expect(results[0]).toMatchObject({ status: "ambiguous", reason: "sl-00012-blk-s_FR.jpg is the same shot of Linen Tee (On-model, front, Black): keep one, or give them shot numbers" });
    expect(results[1]).toMatchObject({ status: "ambiguous", reason: "duplicate of SL-00012-BLK-M_front.jpg (Linen Tee, On-model, front, Black): keep one, or give them shot numbers" });
    expect(results[2]).toMatchObject({ status: "matched", asset: "on-model-back" });
  });

  it("does not call different colours or shot numbers duplicates", () => {
    const results = matchStudioFiles(
      [{ name: "SL-00012-BLK-M_front_1.jpg" }, { name: "SL-00012-BLK-M_front_2.jpg" }, { name: "SL-00012-WHT-M_front_1.jpg" }],
      catalog,
      "{sku}_{view}_{index}",
    );
    expect(results.map((r) => r.status)).toEqual(["matched", "matched", "matched"]);
  });

  it("marks every later copy as a duplicate of the first", () => {
    const results = matchStudioFiles([{ name: "TOTE01_pack.jpg" }, { name: "TOTE01_flat.jpg" }, { name: "tote01_packshot.png" }], catalog, "{sku}_{view}");
    expect(results.map((r) => r.status)).toEqual(["ambiguous", "ambiguous", "ambiguous"]);
    expect(problem(results[2]).reason).toMatch(/^duplicate of TOTE01_pack\.jpg/);
  });

  it("returns one result per file in order, and summarises them", () => {
    const files = ["SL-00012-BLK-M_front.jpg", "nope.txt", "XX_front.jpg", "SL-00012-WHT-M_back.jpg", "SL-00012-WHT-S_bk.jpg"].map((name) => ({ name }));
    const results = matchStudioFiles(files, catalog, "{sku}_{view}");
    expect(results.map((r) => r.name)).toEqual(files.map((f) => f.name));
    const summary = summariseMatches(results);
    expect(summary.total).toBe(5);
    expect(summary.counts).toEqual({ matched: 1, unmatched: 1, ambiguous: 2, rejected: 1 });
    expect(summary.needsAttention.map((r) => r.name)).toEqual(["nope.txt", "XX_front.jpg", "SL-00012-WHT-M_back.jpg", "SL-00012-WHT-S_bk.jpg"]);
    expect(summary.matched.map((r) => r.name)).toEqual(["SL-00012-BLK-M_front.jpg"]);
    expect(summariseMatches([])).toEqual({ total: 0, counts: { matched: 0, unmatched: 0, ambiguous: 0, rejected: 0 }, needsAttention: [], matched: [] });
  });

  it("matches 5,000 files against 10,000 variants", () => {
    const big: StudioCatalogProduct[] = [];
    for (let p = 0; p < 1000; p++) {
      const id = String(p).padStart(5, "0");
      big.push({
        productId: `p${p}`,
        title: `Product ${p}`,
        variants: ["BLK", "WHT"].flatMap((c) => ["XS", "S", "M", "L", "XL"].map((s) => ({ id: `${p}-${c}-${s}`, sku: `SL-${id}-${c}-${s}`, options: { Color: c, Size: s } }))),
      });
    }
    const views = ["front", "back", "side", "packshot", "detail"];
    const files: { name: string }[] = [];
    for (let p = 0; p < 500; p++) {
      const id = String(p).padStart(5, "0");
      for (const c of ["BLK", "WHT"]) for (const v of views) files.push({ name: `sl_${id}_${c.toLowerCase()}_m_${v}.jpg` });
    }
    files[4999] = { name: "SL-99999-BLK-M_front.jpg" };
    const results = matchStudioFiles(files, big, "{sku}_{view}");
    const summary = summariseMatches(results);
    expect(summary.total).toBe(5000);
    expect(summary.counts).toEqual({ matched: 4999, unmatched: 1, ambiguous: 0, rejected: 0 });
    expect(results[0]).toMatchObject({ productId: "p0", colour: "BLK", asset: "on-model-front", variantIds: ["0-BLK-XS", "0-BLK-S", "0-BLK-M", "0-BLK-L", "0-BLK-XL"] });
    expect(problem(results[4999]).suggestions).toEqual([]);
  });
});
