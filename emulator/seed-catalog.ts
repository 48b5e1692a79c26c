import { createRandom } from "./prng";

/**
 * The demo fashion catalog, generated from a seed: the same seed gives the same
 * catalog on every machine (a seeded PRNG and a fixed reference time, never
 * Math.random or the clock). Pure; images are described, not rendered.
 */

/** Ground truth of a seeded flat-lay image: what later colour checks compare against. */
export interface FlatLayTruth {
  silhouette: Silhouette;
  primary: { name: string; hex: string };
  pattern: "solid" | "stripes" | "check" | "dots";
  secondary: { name: string; hex: string };
  background: string;
}

export type Silhouette = "tee" | "shirt" | "dress" | "jeans" | "shorts" | "sweater" | "coat" | "swimsuit" | "bag" | "scarf" | "cap";

export interface SeedVariant {
  id: number;
  title: string;
  sku: string;
  price: string;
  position: number;
  options: { Color: string; Size: string };
}

export interface SeedProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  productType: string;
  vendor: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  createdAt: string;
  updatedAt: string;
  collectionIds: number[];
  variants: SeedVariant[];
  colors: string[];
  sizes: string[];
  flatLay: FlatLayTruth;
}

export interface SeedCollection {
  id: number;
  title: string;
  handle: string;
}

/** Fixed sRGB palette; `code` is the colour's part of a SKU. */
export const PALETTE = [
  { name: "Black", hex: "#1b1b1b", code: "BLK" },
  { name: "White", hex: "#f7f5f0", code: "WHT" },
  { name: "Navy", hex: "#1f2a44", code: "NVY" },
  { name: "Sand", hex: "#d8c3a5", code: "SND" },
  { name: "Olive", hex: "#6b7045", code: "OLV" },
  { name: "Terracotta", hex: "#c0603f", code: "TER" },
  { name: "Sky", hex: "#8fb8de", code: "SKY" },
  { name: "Rose", hex: "#e3a6b4", code: "RSE" },
  { name: "Forest", hex: "#2f5d46", code: "FOR" },
  { name: "Burgundy", hex: "#6d1f2f", code: "BUR" },
  { name: "Camel", hex: "#b9875a", code: "CML" },
  { name: "Charcoal", hex: "#3c3d40", code: "CHR" },
  { name: "Ecru", hex: "#efe6d2", code: "ECR" },
  { name: "Cobalt", hex: "#2a52be", code: "COB" },
  { name: "Mustard", hex: "#d4a531", code: "MUS" },
  { name: "Lilac", hex: "#b9a4d6", code: "LIL" },
] as const;

/** SKU colour code for a colour name (palette code, else its first three letters). */
export function colorCode(name: string): string {
  return PALETTE.find((c) => c.name === name)?.code ?? name.slice(0, 3).toUpperCase();
}

const APPAREL_SIZES = ["XS", "S", "M", "L", "XL"];
interface TypeSpec {
  type: string;
  code: string;
  weight: number;
  price: readonly [number, number];
  sizes: readonly string[];
  kinds: readonly (readonly [string, Silhouette])[];
}

const TYPES: readonly TypeSpec[] = [
  { type: "Tops", code: "TOP", weight: 22, price: [15, 120], sizes: APPAREL_SIZES, kinds: [["Tee", "tee"], ["Shirt", "shirt"], ["Blouse", "shirt"], ["Tank", "tee"]] },
  { type: "Dresses", code: "DRS", weight: 16, price: [40, 420], sizes: APPAREL_SIZES, kinds: [["Midi Dress", "dress"], ["Wrap Dress", "dress"], ["Slip Dress", "dress"], ["Maxi Dress", "dress"]] },
  { type: "Denim", code: "DNM", weight: 12, price: [50, 260], sizes: ["26", "28", "30", "32", "34"], kinds: [["Straight Jeans", "jeans"], ["Wide-Leg Jeans", "jeans"], ["Denim Shorts", "shorts"]] },
  { type: "Knitwear", code: "KNT", weight: 14, price: [40, 340], sizes: APPAREL_SIZES, kinds: [["Crewneck Sweater", "sweater"], ["Cardigan", "sweater"], ["Turtleneck", "sweater"]] },
  { type: "Outerwear", code: "OUT", weight: 10, price: [90, 900], sizes: APPAREL_SIZES, kinds: [["Trench Coat", "coat"], ["Wool Coat", "coat"], ["Puffer Jacket", "coat"]] },
  { type: "Swimwear", code: "SWM", weight: 10, price: [20, 160], sizes: ["XS", "S", "M", "L"], kinds: [["Swimsuit", "swimsuit"], ["Bikini Top", "swimsuit"]] },
  { type: "Accessories", code: "ACC", weight: 16, price: [9, 220], sizes: ["One Size"], kinds: [["Tote Bag", "bag"], ["Crossbody Bag", "bag"], ["Silk Scarf", "scarf"], ["Baseball Cap", "cap"]] },
];
const TOTAL_WEIGHT = TYPES.reduce((sum, t) => sum + t.weight, 0);

/** The silhouette a flat-lay of a product type shows (for products created without a seed kind). */
export const SILHOUETTE_BY_TYPE: Record<string, Silhouette> = Object.fromEntries(TYPES.map((t) => [t.type, t.kinds[0][1]]));

const VENDORS = ["Atelier Nord", "Maison Calme", "Studio Verde", "Lumen & Co", "Harbor Supply", "Kiyo", "Oro Basics", "Fjell", "Saltwater Club", "Rue Margot", "Northbound Denim", "Willow Knit"];
const ADJECTIVES = ["Relaxed", "Classic", "Cropped", "Oversized", "Tailored", "Essential", "Soft", "Boxy", "Fluid", "Structured", "Everyday", "Vintage"];
const MATERIALS = ["Cotton", "Linen", "Organic Cotton", "Wool", "Cashmere-Blend", "Silk", "Recycled", "Merino", "Denim", "Poplin", "Jersey", "Ribbed"];
const TAG_POOL = ["organic-cotton", "bestseller", "new-arrival", "oversized", "recycled", "limited", "capsule", "vegan", "made-in-portugal", "gift"];
const BACKGROUNDS = ["#f3f2ef", "#ffffff", "#ecebe7"];

/** Fixed reference time so the same seed gives the same dates on every machine. */
const REFERENCE_TIME = Date.parse("2026-11-01T00:00:00Z");
const DAY_MS = 24 * 3600 * 1000;

export const PRODUCT_ID_BASE = 8_100_000_000;
export const VARIANT_ID_BASE = 45_000_000_000;
export const COLLECTION_ID_BASE = 420_000_000;

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

const COLLECTIONS: readonly SeedCollection[] = ["Core", "SS26 Drop", "Sale", "Premium", ...TYPES.map((t) => t.type)].map((title, i) => ({
  id: COLLECTION_ID_BASE + i + 1,
  title,
  handle: slug(title),
}));
const COLLECTION_ID = new Map(COLLECTIONS.map((c) => [c.title, c.id]));
const collectionId = (title: string) => COLLECTION_ID.get(title)!;

/** The shop's collections: four merchandising ones and one per product type. */
export function seedCollections(): SeedCollection[] {
  return COLLECTIONS.map((c) => ({ ...c }));
}

/** A size as it appears in a SKU: "One Size" → "ONESIZE". */
export function sizeCode(size: string): string {
  return size.replace(/\s+/g, "").toUpperCase();
}

function roundPrice(value: number): string {
  // Fashion prices end in .00, .95 or .99.
  const whole = Math.max(9, Math.round(value));
  return `${whole}.${whole % 3 === 0 ? "95" : whole % 3 === 1 ? "00" : "99"}`;
}

/**
 * One product, deterministic from (seed, index). Each product has its own PRNG
 * stream, so product i is the same whatever the catalog size.
 */
export function generateProduct(seed: number, index: number): SeedProduct {
  const rnd = createRandom((seed * 2654435761 + index * 40503) >>> 0);
  let roll = rnd.next() * TOTAL_WEIGHT;
  const spec = TYPES.find((t) => (roll -= t.weight) < 0) ?? TYPES[0];
  const [kindName, silhouette] = rnd.pick(spec.kinds);
  const material = spec.type === "Denim" ? "Denim" : rnd.pick(MATERIALS);
  const adjective = rnd.pick(ADJECTIVES);
  // "Denim Shorts" already names its material.
  const title = (material === "Denim" && kindName.includes("Denim") ? [adjective, kindName] : [adjective, material, kindName]).join(" ");
  const number = String(index + 1).padStart(5, "0");
  const colors = rnd.sample(PALETTE, rnd.int(1, 3));
  const sizes = spec.sizes.length > 1 ? spec.sizes.slice(rnd.int(0, 1), spec.sizes.length - rnd.int(0, 1)) : [...spec.sizes];
  const base = spec.price[0] + Math.pow(rnd.next(), 1.6) * (spec.price[1] - spec.price[0]);
  const tags = new Set<string>(rnd.sample(TAG_POOL, rnd.int(1, 3)));
  const collectionIds = [collectionId(spec.type)];
  if (rnd.chance(0.45)) collectionIds.push(collectionId("Core"));
  if (rnd.chance(0.3)) {
    collectionIds.push(collectionId("SS26 Drop"));
    tags.add("ss26");
  }
  const onSale = rnd.chance(0.15);
  if (onSale) {
    collectionIds.push(collectionId("Sale"));
    tags.add("sale");
  }
  const price = onSale ? base * 0.7 : base;
  if (price >= 250) {
    collectionIds.push(collectionId("Premium"));
    tags.add("premium");
  }
  const statusRoll = rnd.next();
  const status = statusRoll < 0.86 ? "ACTIVE" : statusRoll < 0.96 ? "DRAFT" : "ARCHIVED";
  const created = REFERENCE_TIME - Math.floor(rnd.next() * 365 * DAY_MS);
  const updated = Math.min(REFERENCE_TIME, created + Math.floor(rnd.next() * 60 * DAY_MS));
  // The largest size costs a step more; every variant stays within the product's range.
  const sizeStep = spec.type === "Outerwear" ? 10 : 5;
  const variants: SeedVariant[] = [];
  const skuPrefix = ["SL", spec.code, number].join("-");
  for (const color of colors) {
    for (const size of sizes) {
      const position = variants.length + 1;
      const bump = size === "XL" || size === "34" ? sizeStep : 0;
      variants.push({
        id: VARIANT_ID_BASE + (index + 1) * 100 + position,
        // Joined rather than concatenated: flat strings keep 50,000 products small in memory.
        title: [color.name, size].join(" / "),
        sku: [skuPrefix, color.code, sizeCode(size)].join("-"),
        price: roundPrice(price + bump),
        position,
        options: { Color: color.name, Size: size },
      });
    }
  }
  const primary = colors[0];
  const secondary = rnd.pick(PALETTE.filter((c) => c.name !== primary.name));
  const patternRoll = rnd.next();
  const pattern = patternRoll < 0.6 ? "solid" : patternRoll < 0.75 ? "stripes" : patternRoll < 0.88 ? "check" : "dots";
  const vendor = rnd.pick(VENDORS);
  const background = rnd.pick(BACKGROUNDS);
  return {
    id: PRODUCT_ID_BASE + index + 1,
    title,
    handle: [slug(title), number].join("-"),
    descriptionHtml: `<p>${title} by ${spec.type === "Accessories" ? "our accessories studio" : "our design team"}. ${material} ${kindName.toLowerCase()} in ${colors.map((c) => c.name.toLowerCase()).join(", ")}.</p>`,
    productType: spec.type,
    vendor,
    status,
    tags: [...tags].sort(),
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(updated).toISOString(),
    collectionIds,
    variants,
    colors: colors.map((c) => c.name),
    sizes,
    flatLay: { silhouette, primary: { name: primary.name, hex: primary.hex }, pattern, secondary: { name: secondary.name, hex: secondary.hex }, background },
  };
}

export function generateCatalog({ seed, count }: { seed: number; count: number }): SeedProduct[] {
  return Array.from({ length: count }, (_, i) => generateProduct(seed, i));
}
