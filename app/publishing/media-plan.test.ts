import { describe, expect, it } from "vitest";
import { applyMoves, mediaLimitProblem, planMediaOrder, planVariantMedia, reorderMoves, variantColour, type ProductMediaItem } from "./media-plan";

const merchant = (id: string): ProductMediaItem => ({ id, shotlane: null });
const ai = (id: string, view: string | null): ProductMediaItem => ({ id, shotlane: { source: "ai", view } });
const studio = (id: string, view: string | null): ProductMediaItem => ({ id, shotlane: { source: "studio", view } });

describe("planMediaOrder", () => {
  // The product as productUpdate leaves it: the merchant's photos, earlier Shotlane media, then this batch at the end.
  const current = [merchant("m1"), studio("s1", "packshot"), ai("a1", "on-model-front"), merchant("m2"), ai("a2", "on-model-back"), ai("n1", "on-model-front"), ai("n2", "video")];
  const incoming = [
    { id: "n1", source: "ai", view: "on-model-front" },
    { id: "n2", source: "ai", view: "video" },
  ];

  it("first: the batch leads, everything else keeps its order", () => {
    expect(planMediaOrder(current, incoming, { placement: "first", replaceAll: false })).toEqual({ order: ["n1", "n2", "m1", "s1", "a1", "m2", "a2"], detach: [] });
  });

  it("last: the batch follows everything else", () => {
    expect(planMediaOrder(current, incoming, { placement: "last", replaceAll: false })).toEqual({ order: ["m1", "s1", "a1", "m2", "a2", "n1", "n2"], detach: [] });
  });

  it("after-studio: after the last media that is not AI-generated (a merchant photo after AI media still counts)", () => {
    expect(planMediaOrder(current, incoming, { placement: "after-studio", replaceAll: false }).order).toEqual(["m1", "s1", "a1", "m2", "n1", "n2", "a2"]);
    expect(planMediaOrder([merchant("m1"), ai("a1", "x"), ai("n1", "y")], [{ id: "n1", source: "ai", view: "y" }], { placement: "after-studio", replaceAll: false }).order).toEqual(["m1", "n1", "a1"]);
    // Nothing but AI media: the batch goes first.
    expect(planMediaOrder([ai("a1", "x"), ai("n1", "y")], [{ id: "n1", source: "ai", view: "y" }], { placement: "after-studio", replaceAll: false }).order).toEqual(["n1", "a1"]);
  });

  it("replace-view: a new media takes the place of Shotlane's earlier media of its view, which is detached; a new view goes after the studio images", () => {
    expect(planMediaOrder(current, incoming, { placement: "replace-view", replaceAll: false })).toEqual({ order: ["m1", "s1", "n1", "m2", "n2", "a2"], detach: ["a1"] });
  });

  it("replace-view never takes the place of a merchant's media, and detaches every earlier Shotlane media of the view", () => {
    const twice = [merchant("m1"), ai("a1", "on-model-front"), ai("a0", "on-model-front"), ai("n1", "on-model-front")];
    expect(planMediaOrder(twice, [{ id: "n1", source: "ai", view: "on-model-front" }], { placement: "replace-view", replaceAll: false })).toEqual({ order: ["m1", "n1"], detach: ["a1", "a0"] });
  });

  it("replace all: only this batch stays, everything else is detached (never deleted)", () => {
    expect(planMediaOrder(current, incoming, { placement: "first", replaceAll: true })).toEqual({ order: ["n1", "n2"], detach: ["m1", "s1", "a1", "m2", "a2"] });
  });
});

describe("reorderMoves", () => {
  it.each([
    [["a", "b", "c", "d"], ["a", "b", "c", "d"]],
    [["a", "b", "c", "d"], ["d", "a", "b", "c"]],
    [["a", "b", "c", "d"], ["b", "a", "d", "c"]],
    [["a", "b", "c", "d", "e", "f"], ["f", "e", "d", "c", "b", "a"]],
    [["m1", "s1", "a1", "m2", "a2", "n1", "n2"], ["m1", "s1", "a1", "m2", "n1", "n2", "a2"]],
  ])("turns %j into %j when Shopify applies the moves in order", (current, desired) => {
    const moves = reorderMoves(current, desired);
    expect(applyMoves(current, moves)).toEqual(desired);
    expect(moves.length).toBeLessThanOrEqual(current.length);
  });

  it("moves nothing when the order is already right, and one media for a single insertion", () => {
    expect(reorderMoves(["a", "b"], ["a", "b"])).toEqual([]);
    expect(reorderMoves(["a", "b", "c", "n"], ["n", "a", "b", "c"])).toEqual([{ id: "n", newPosition: "0" }]);
  });

  it("ignores ids that are being detached", () => {
    const moves = reorderMoves(["a", "x", "b", "n"], ["n", "a", "b"]);
    expect(applyMoves(["a", "b", "n"], moves)).toEqual(["n", "a", "b"]);
  });
});

describe("mediaLimitProblem", () => {
  it("allows up to 250 and names the numbers and the fix past it", () => {
    expect(mediaLimitProblem(246, 4, 0)).toBeNull();
    const problem = mediaLimitProblem(248, 4, 0)!;
    expect(problem).toContain("248 media");
    expect(problem).toContain("at most 250");
    expect(problem).toContain("Remove 2 media");
    expect(problem).toContain("Replace Shotlane's earlier media");
  });
});

describe("variant media for colourways", () => {
  it("reads the colour option in either spelling and any case", () => {
    expect(variantColour([{ name: "Size", value: "M" }, { name: "Color", value: "Black" }])).toBe("Black");
    expect(variantColour([{ name: "colour", value: "Sand" }])).toBe("Sand");
    expect(variantColour([{ name: "Size", value: "M" }])).toBeNull();
  });

  it("gives each colourway's variants the first image of that colour, keeps the merchant's variant images, replaces Shotlane's", () => {
    const variants = [
      { id: "v-black-s", colour: "Black", mediaId: null, mediaIsShotlane: false },
      { id: "v-black-m", colour: "black", mediaId: "old-ai", mediaIsShotlane: true },
      { id: "v-black-l", colour: "Black", mediaId: "merchant", mediaIsShotlane: false },
      { id: "v-sand-s", colour: "Sand", mediaId: null, mediaIsShotlane: false },
      { id: "v-none", colour: null, mediaId: null, mediaIsShotlane: false },
    ];
    const images = [
      { id: "n1", colour: "Black" },
      { id: "n2", colour: "Black" },
    ];
    expect(planVariantMedia(variants, images, { replaceAll: false, detached: [] })).toEqual({
      detach: [{ variantId: "v-black-m", mediaId: "old-ai" }],
      append: [
        { variantId: "v-black-s", mediaId: "n1" },
        { variantId: "v-black-m", mediaId: "n1" },
      ],
    });
    expect(planVariantMedia(variants, images, { replaceAll: true, detached: [] }).append.map((a) => a.variantId)).toEqual(["v-black-s", "v-black-m", "v-black-l"]);
  });

  it("a variant whose media is being detached from the product takes the new image without a separate detach", () => {
    const variants = [{ id: "v1", colour: "Black", mediaId: "merchant", mediaIsShotlane: false }];
    expect(planVariantMedia(variants, [{ id: "n1", colour: "Black" }], { replaceAll: false, detached: ["merchant"] })).toEqual({ detach: [], append: [{ variantId: "v1", mediaId: "n1" }] });
  });
});
