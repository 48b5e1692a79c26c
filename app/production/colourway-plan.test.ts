import { describe, expect, it } from "vitest";
import { chooseStudioReference, garmentImageFor, isUsableStudioShot, planColourways, sameColour, type ReferenceShot } from "./colourway-plan";

const checked = { source: "studio", status: "stored", postStatus: "done", qcVerdict: "pass", reviewStatus: "awaiting-review" };

describe("isUsableStudioShot", () => {
  it("takes stored, post-produced studio shots that a person approved or the gates passed or flagged", () => {
    expect(isUsableStudioShot(checked)).toBe(true);
    expect(isUsableStudioShot({ ...checked, qcVerdict: "flag" })).toBe(true);
    expect(isUsableStudioShot({ ...checked, qcVerdict: "reject", reviewStatus: "approved" })).toBe(true);
    expect(isUsableStudioShot({ ...checked, reviewStatus: "duplicate" })).toBe(true);
  });

  it("refuses AI output, files still in post-production or unchecked, QC rejects, and shots a reviewer took out of use", () => {
    expect(isUsableStudioShot({ ...checked, source: "ai" })).toBe(false);
    expect(isUsableStudioShot({ ...checked, status: "queued" })).toBe(false);
    expect(isUsableStudioShot({ ...checked, postStatus: "queued" })).toBe(false);
    expect(isUsableStudioShot({ ...checked, postStatus: "failed" })).toBe(false);
    expect(isUsableStudioShot({ ...checked, qcVerdict: null, reviewStatus: null })).toBe(false);
    expect(isUsableStudioShot({ ...checked, qcVerdict: "reject" })).toBe(false);
    for (const reviewStatus of ["rejected", "superseded", "auto-rejected", "retouch"]) expect(isUsableStudioShot({ ...checked, reviewStatus })).toBe(false);
  });
});

describe("sameColour", () => {
  it("ignores case and spacing, and never matches an unknown colour", () => {
    expect(sameColour("Black", " black ")).toBe(true);
    expect(sameColour("Black", "Navy")).toBe(false);
    expect(sameColour(null, null)).toBe(false);
    expect(sameColour("", "")).toBe(false);
  });
});

describe("planColourways", () => {
  const items = [
    { asset: "on-model-front", source: "ai" as const },
    { asset: "packshot", source: "ai" as const },
    { asset: "video", source: "ai" as const },
    { asset: "detail", source: "studio" as const },
  ];
  const colourways = ["Black", "Sand", "Navy"];

  it("makes every AI asset in the first colourway when the option is off, whatever the studio shot (as before)", () => {
    const plan = planColourways({ items, colourways, studioShots: [{ colour: "Black", asset: "on-model-front" }], studioReference: false });
    expect(plan.requests).toEqual([
      { asset: "on-model-front", source: "ai", colour: "Black" },
      { asset: "packshot", source: "ai", colour: "Black" },
      { asset: "video", source: "ai", colour: "Black" },
      { asset: "detail", source: "studio", colour: null },
    ]);
    expect(plan).toMatchObject({ coveredByStudio: [], perColourway: false });
  });

  it("makes the first colourway as before when the option is on but the studio has shot none of the product's colourways", () => {
    const none = planColourways({ items, colourways, studioShots: [], studioReference: true });
    const strayColour = planColourways({ items, colourways, studioShots: [{ colour: "Red", asset: "on-model-front" }, { colour: null, asset: "on-model-front" }], studioReference: true });
    for (const plan of [none, strayColour]) {
      expect(plan.perColourway).toBe(false);
      expect(plan.requests.filter((r) => r.source === "ai").map((r) => r.colour)).toEqual(["Black", "Black", "Black"]);
    }
  });

  it("with a studio shot of one colourway, makes each AI image view in every colourway the studio has not shot in that view", () => {
    const plan = planColourways({ items, colourways, studioShots: [{ colour: "black", asset: "on-model-front" }], studioReference: true });
    expect(plan.perColourway).toBe(true);
    expect(plan.requests).toEqual([
      { asset: "on-model-front", source: "ai", colour: "Sand" },
      { asset: "on-model-front", source: "ai", colour: "Navy" },
      // No studio packshot in any colour: every colourway gets one.
      { asset: "packshot", source: "ai", colour: "Black" },
      { asset: "packshot", source: "ai", colour: "Sand" },
      { asset: "packshot", source: "ai", colour: "Navy" },
      // A video stays one clip.
      { asset: "video", source: "ai", colour: "Black" },
      { asset: "detail", source: "studio", colour: null },
    ]);
    expect(plan.coveredByStudio).toEqual([{ asset: "on-model-front", colour: "Black" }]);
  });

  it("plans nothing for a view the studio shot in every colourway", () => {
    const plan = planColourways({
      items: [{ asset: "on-model-front", source: "ai" }],
      colourways: ["Black", "Sand"],
      studioShots: [
        { colour: "Black", asset: "on-model-front" },
        { colour: "Sand", asset: "on-model-front" },
      ],
      studioReference: true,
    });
    expect(plan.requests).toEqual([]);
    expect(plan.coveredByStudio.map((c) => c.colour)).toEqual(["Black", "Sand"]);
  });

  it("keeps a product without a colour option on its one colourway", () => {
    const plan = planColourways({ items: [{ asset: "on-model-front", source: "ai" }], colourways: [null], studioShots: [{ colour: null, asset: "on-model-back" }], studioReference: true });
    expect(plan).toEqual({ requests: [{ asset: "on-model-front", source: "ai", colour: null }], coveredByStudio: [], perColourway: false });
  });
});

describe("chooseStudioReference", () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const shot = (id: string, colour: string | null, asset: string, approved = false, day = 1): ReferenceShot => ({ id, colour, asset, approved, at: at(day) });

  it("takes a shot of another colourway in the same view, approved before checked, then the newest", () => {
    const shots = [shot("a", "Black", "on-model-front", false, 5), shot("b", "Navy", "on-model-front", true, 1), shot("c", "Navy", "on-model-front", false, 9)];
    expect(chooseStudioReference({ asset: "on-model-front", colour: "Sand" }, shots)?.id).toBe("b");
    expect(chooseStudioReference({ asset: "on-model-front", colour: "Sand" }, shots.filter((s) => s.id !== "b"))?.id).toBe("c");
  });

  it("never takes a shot of the same colourway or of an unknown colour", () => {
    expect(chooseStudioReference({ asset: "on-model-front", colour: "Black" }, [shot("a", "black", "on-model-front"), shot("b", null, "on-model-front")])).toBeNull();
  });

  it("falls back to another on-model view (front first) for an on-model target, never for a packshot", () => {
    const shots = [shot("back", "Black", "on-model-back", true), shot("front", "Black", "on-model-front"), shot("pack", "Black", "packshot")];
    expect(chooseStudioReference({ asset: "on-model-side", colour: "Sand" }, shots)?.id).toBe("front");
    expect(chooseStudioReference({ asset: "on-model-back", colour: "Sand" }, shots)?.id).toBe("back");
    expect(chooseStudioReference({ asset: "packshot", colour: "Sand" }, shots)?.id).toBe("pack");
    expect(chooseStudioReference({ asset: "detail", colour: "Sand" }, shots)).toBeNull();
    expect(chooseStudioReference({ asset: "on-model-front", colour: "Sand" }, [shot("pack", "Black", "packshot")])).toBeNull();
  });
});

describe("garmentImageFor", () => {
  const featured = "https://cdn.example/featured.jpg";
  const image = (alt: string | null, url = `https://cdn.example/${alt ?? "none"}.jpg`) => ({ alt, url, contentType: "IMAGE" });

  it("takes the product image whose alt text names the colourway and no other", () => {
    const media = [image("Linen Dress – Black"), image("Linen Dress in Sand, front"), image("Black and Sand together")];
    expect(garmentImageFor("Sand", ["Black", "Sand"], media, featured)).toEqual({ url: "https://cdn.example/Linen Dress in Sand, front.jpg", from: "colourway-image" });
    expect(garmentImageFor("sand", ["Black", "Sand"], media, featured).from).toBe("colourway-image");
  });

  it("reads whole colour names only: Off White is not White, Sandy is not Sand", () => {
    const media = [image("Off White shirt"), image("Sandy beach")];
    expect(garmentImageFor("White", ["Off White", "White"], media, featured)).toEqual({ url: featured, from: "featured-image" });
    expect(garmentImageFor("Off White", ["Off White", "White"], media, featured).url).toBe("https://cdn.example/Off White shirt.jpg");
    expect(garmentImageFor("Sand", ["Sand"], media, featured).from).toBe("featured-image");
  });

  it("falls back to the featured image without a colour, a matching alt text, or an image", () => {
    expect(garmentImageFor(null, [null], [image("Black")], featured)).toEqual({ url: featured, from: "featured-image" });
    expect(garmentImageFor("Navy", ["Black", "Navy"], [image(null), { alt: "Navy clip", url: "https://cdn.example/v.mp4", contentType: "VIDEO" }, { alt: "Navy", url: null, contentType: "IMAGE" }], null)).toEqual({ url: null, from: "featured-image" });
  });
});
