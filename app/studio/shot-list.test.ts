import { describe, expect, it } from "vitest";
import { DEFAULT_PLANS, stillNeeded, type PlanItem } from "../production/production-plan";
import {
  buildShotLists,
  capShotList,
  colourways,
  compareShotOrder,
  csvCell,
  escapeHtml,
  nextWorkday,
  shotListCsv,
  shotListPrintHtml,
  shotListTransition,
  sheetRows,
  splitPartNotes,
  type ShotListProduct,
  type ShotListRequest,
  type ShotListSettings,
} from "./shot-list";

// 2026-12-07 is a Monday.
const MONDAY = new Date("2026-12-07T00:00:00Z");

function product(overrides: Partial<ShotListProduct> = {}): ShotListProduct {
  return {
    id: "gid://shopify/Product/1",
    title: "Linen shirt",
    handle: "linen-shirt",
    tier: 1,
    launchDate: null,
    featuredImageUrl: "https://cdn.example/linen.jpg",
    variants: [
      { sku: "LS-BLK-S", options: { Color: "Black", Size: "S" } },
      { sku: "LS-BLK-M", options: { Color: "Black", Size: "M" } },
      { sku: "LS-WHT-S", options: { Color: "White", Size: "S" } },
    ],
    ...overrides,
  };
}

const TWO_VIEWS: PlanItem[] = [
  { asset: "on-model-front", source: "studio" },
  { asset: "on-model-back", source: "studio" },
];

function request(p: Partial<ShotListProduct>, needed: readonly PlanItem[] = TWO_VIEWS, extra: Partial<ShotListRequest> = {}): ShotListRequest {
  return { product: product(p), stillNeeded: needed, stylingNotes: "Tuck the front hem", ...extra };
}

const settings = (overrides: Partial<ShotListSettings> = {}): ShotListSettings => ({ imagesPerDay: 4, startDate: MONDAY, leadDays: 0, ...overrides });

describe("colourways", () => {
  it("lists each colour once, in variant order, with its first variant's SKU, matching Colour spellings and case", () => {
    expect(colourways([
      { sku: "A1", options: { Colour: "Navy", Size: "S" } },
      { sku: "A2", options: { Colour: "navy", Size: "M" } },
      { sku: "A3", options: { Colour: "Sand", Size: "S" } },
    ])).toEqual([{ colourway: "Navy", sku: "A1" }, { colourway: "Sand", sku: "A3" }]);
  });

  it("gives a product without a colour option one colourway", () => {
    expect(colourways([{ sku: "B1", options: { Size: "S" } }, { sku: "B2", options: { Size: "M" } }])).toEqual([{ colourway: null, sku: "B1" }]);
    expect(colourways([])).toEqual([{ colourway: null, sku: null }]);
  });
});

describe("nextWorkday", () => {
  it("keeps a workday and moves a weekend to Monday", () => {
    expect(nextWorkday(MONDAY).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(nextWorkday(new Date("2026-12-12T15:00:00Z")).toISOString()).toBe("2026-12-14T00:00:00.000Z");
  });

  it("refuses an empty workweek with the fix", () => {
    expect(() => nextWorkday(MONDAY, [])).toThrow(/choose at least one weekday/);
  });
});

describe("buildShotLists", () => {
  it("makes one line per colourway with SKU, views, labels, notes and reference image", () => {
    const list = buildShotLists({ lines: [request({})], settings: settings({ imagesPerDay: 10 }) });
    expect(list.days).toHaveLength(1);
    expect(list.days[0].lines.map((l) => [l.sku, l.colourway, l.views, l.viewLabels, l.images])).toEqual([
      ["LS-BLK-S", "Black", ["on-model-front", "on-model-back"], ["On-model, front", "On-model, back"], 2],
      ["LS-WHT-S", "White", ["on-model-front", "on-model-back"], ["On-model, front", "On-model, back"], 2],
    ]);
    expect(list.days[0].lines[0]).toMatchObject({ productTitle: "Linen shirt", stylingNotes: "Tuck the front hem", referenceImageUrl: "https://cdn.example/linen.jpg", late: false, note: null });
    expect(list.totalImages).toBe(4);
  });

  it("shoots only the studio items still needed (AI items and produced assets are left out)", () => {
    const needed = stillNeeded(DEFAULT_PLANS[2], ["on-model-front"]);
    const list = buildShotLists({ lines: [request({ variants: [{ sku: "X", options: { Size: "M" } }] }, needed)], settings: settings() });
    expect(list.days[0].lines).toHaveLength(1);
    expect(list.days[0].lines[0]).toMatchObject({ sku: "X", colourway: null, views: ["on-model-back"], images: 1 });
  });

  it("skips products with nothing left for the studio", () => {
    const list = buildShotLists({ lines: [request({}, DEFAULT_PLANS[3])], settings: settings() });
    expect(list).toEqual({ days: [], totalImages: 0, lateLines: 0 });
  });

  it("never puts more images on a day than its capacity, keeping a colourway's views together", () => {
    // 3 colourways x 2 views = 2 images each; a 5-image day fits two colourways (4), the third moves on.
    const p = { variants: ["Black", "White", "Red"].map((c) => ({ sku: c, options: { Color: c } })) };
    const list = buildShotLists({ lines: [request(p)], settings: settings({ imagesPerDay: 5 }) });
    expect(list.days.map((d) => [d.date.toISOString().slice(0, 10), d.images, d.lines.map((l) => l.colourway)])).toEqual([
      ["2026-12-07", 4, ["Black", "White"]],
      ["2026-12-08", 2, ["Red"]],
    ]);
  });

  it("fills a day exactly to capacity before opening the next", () => {
    const list = buildShotLists({ lines: [request({})], settings: settings({ imagesPerDay: 4 }) });
    expect(list.days.map((d) => d.images)).toEqual([4]);
  });

  it("counts images per view", () => {
    const list = buildShotLists({ lines: [request({}, TWO_VIEWS, { imagesPerView: 3 })], settings: settings({ imagesPerDay: 6 }) });
    expect(list.days.map((d) => d.images)).toEqual([6, 6]);
    expect(list.days[0].lines[0].images).toBe(6);
  });

  it("splits a colourway bigger than a day by view across days, from a fresh day, with a note", () => {
    const list = buildShotLists({
      lines: [
        request({ id: "a", title: "A shirt", variants: [{ sku: "A", options: {} }] }, [{ asset: "packshot", source: "studio" }]),
        request({ id: "b", title: "B dress", variants: [{ sku: "B", options: {} }] }, DEFAULT_PLANS[1]),
      ],
      settings: settings({ imagesPerDay: 4 }),
    });
    // A takes 1 image on Monday; B's 6 images exceed a 4-image day: 4 on Tuesday, 2 on Wednesday.
    expect(list.days.map((d) => [d.date.toISOString().slice(0, 10), d.images])).toEqual([["2026-12-07", 1], ["2026-12-08", 4], ["2026-12-09", 2]]);
    expect(list.days[1].lines[0].views).toEqual(["on-model-front", "on-model-back", "on-model-side", "packshot"]);
    expect(list.days[2].lines[0].views).toEqual(["detail", "video"]);
    expect(list.days[1].lines[0].note).toBe("Part 1 of 2: this colourway's 6 images are more than a studio day's 4, so it is split across days.");
    expect(list.days[2].lines[0].note).toMatch(/^Part 2 of 2/);
  });

  it("skips non-workdays, with custom workdays too", () => {
    const p = { variants: ["Black", "White"].map((c) => ({ sku: c, options: { Color: c } })) };
    const friday = new Date("2026-12-11T09:00:00Z");
    const weekdays = buildShotLists({ lines: [request(p)], settings: settings({ imagesPerDay: 2, startDate: friday }) });
    expect(weekdays.days.map((d) => d.date.toISOString().slice(0, 10))).toEqual(["2026-12-11", "2026-12-14"]);
    const tueThu = buildShotLists({ lines: [request(p)], settings: settings({ imagesPerDay: 2, startDate: MONDAY, workdays: [2, 4] }) });
    expect(tueThu.days.map((d) => d.date.toISOString().slice(0, 10))).toEqual(["2026-12-08", "2026-12-10"]);
  });

  it("orders by launch date (none last), then priority, then tier, then title", () => {
    const one = [{ sku: null, options: {} }];
    const lines = [
      request({ id: "1", title: "No launch", tier: 1, variants: one }),
      request({ id: "2", title: "Zebra", tier: 2, launchDate: new Date("2027-01-10T00:00:00Z"), variants: one }),
      request({ id: "3", title: "Apple", tier: 2, launchDate: new Date("2027-01-10T00:00:00Z"), variants: one }),
      request({ id: "4", title: "Tier one", tier: 1, launchDate: new Date("2027-01-10T00:00:00Z"), variants: one }),
      request({ id: "5", title: "Late January", tier: 1, launchDate: new Date("2027-01-20T00:00:00Z"), variants: one }),
      request({ id: "6", title: "Early", tier: 2, launchDate: new Date("2027-01-02T00:00:00Z"), variants: one }),
      request({ id: "7", title: "Urgent", tier: 2, priority: 1, launchDate: new Date("2027-01-10T00:00:00Z"), variants: one }),
    ];
    const list = buildShotLists({ lines, settings: settings({ imagesPerDay: 100 }) });
    expect(list.days[0].lines.map((l) => l.productTitle)).toEqual(["Early", "Urgent", "Tier one", "Apple", "Zebra", "Late January", "No launch"]);
    expect(compareShotOrder(lines[0].product, lines[0].product)).toBe(0);
  });

  it("flags a line late when its day is after launch minus lead days", () => {
    const one = [{ sku: null, options: {} }];
    const lines = [
      // 2 images a day: first on Mon 7th, second on Tue 8th, third on Wed 9th.
      request({ id: "a", title: "A", launchDate: new Date("2026-12-10T00:00:00Z"), variants: one }),
      request({ id: "b", title: "B", launchDate: new Date("2026-12-10T00:00:00Z"), variants: one }),
      request({ id: "c", title: "C", launchDate: new Date("2026-12-11T00:00:00Z"), variants: one }),
      request({ id: "d", title: "D", launchDate: null, variants: one }),
    ];
    const list = buildShotLists({ lines, settings: settings({ imagesPerDay: 2, leadDays: 2 }) });
    const flags = list.days.flatMap((d) => d.lines.map((l) => [l.productTitle, l.dueDate.toISOString().slice(0, 10), l.latestOnTimeDate?.toISOString().slice(0, 10) ?? null, l.late]));
    // Latest on-time day: 10th - 2 = 8th for A and B; 11th - 2 = 9th for C.
    expect(flags).toEqual([
      ["A", "2026-12-07", "2026-12-08", false],
      ["B", "2026-12-08", "2026-12-08", false],
      ["C", "2026-12-09", "2026-12-09", false],
      ["D", "2026-12-10", null, false],
    ]);
    const tighter = buildShotLists({ lines, settings: settings({ imagesPerDay: 2, leadDays: 3 }) });
    expect(tighter.days.flatMap((d) => d.lines.map((l) => l.late))).toEqual([false, true, true, false]);
    expect(tighter.lateLines).toBe(2);
  });

  it("refuses impossible settings with the setting and the fix", () => {
    expect(() => buildShotLists({ lines: [], settings: settings({ imagesPerDay: 0 }) })).toThrow(/images per day must be a whole number of at least 1: set it in Settings/);
    expect(() => buildShotLists({ lines: [], settings: settings({ leadDays: -1 }) })).toThrow(/lead days/);
    expect(() => buildShotLists({ lines: [request({}, TWO_VIEWS, { imagesPerView: 5 })], settings: settings({ imagesPerDay: 4 }) })).toThrow(/"Linen shirt" needs 5 images per view, more than a studio day's 4/);
  });
});

describe("csvCell", () => {
  it("quotes cells with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('Say "cheese", please')).toBe('"Say ""cheese"", please"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(3)).toBe("3");
  });

  it("defuses spreadsheet formulas", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-SKU")).toBe("'-SKU");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("shotListCsv", () => {
  it("writes a header and one CRLF row per line: studio day, shoot date, due date (launch minus lead days)", () => {
    const list = buildShotLists({
      lines: [request({ title: 'Shirt, "Linen"', launchDate: new Date("2026-12-20T00:00:00Z"), variants: [{ sku: "=SKU1", options: { Color: "Black" } }] }, TWO_VIEWS, { stylingNotes: "Steam\nthen pin" })],
      settings: settings({ leadDays: 3 }),
    });
    expect(shotListCsv(list)).toBe(
      "Studio day,Shoot on,Due date,Late,SKU,Product,Colourway,Views,Images,Styling notes,Reference image,Note\r\n" +
        `1,2026-12-07,2026-12-17,,'=SKU1,"Shirt, ""Linen""",Black,"On-model, front; On-model, back",2,"Steam\nthen pin",https://cdn.example/linen.jpg,\r\n`,
    );
  });

  it("writes only the header for an empty list", () => {
    expect(shotListCsv({ days: [], totalImages: 0, lateLines: 0 })).toBe("Studio day,Shoot on,Due date,Late,SKU,Product,Colourway,Views,Images,Styling notes,Reference image,Note\r\n");
  });
});

describe("skipColourways", () => {
  it("leaves out colourways already on an open list, in any case, and a product without colours when listed", () => {
    const list = buildShotLists({ lines: [request({}, TWO_VIEWS, { skipColourways: [" black "] }), request({ id: "2", title: "Plain", variants: [{ sku: "P", options: { Size: "M" } }] }, TWO_VIEWS, { skipColourways: [null] })], settings: settings({ imagesPerDay: 10 }) });
    expect(list.days.flatMap((d) => d.lines.map((l) => [l.productTitle, l.colourway]))).toEqual([["Linen shirt", "White"]]);
  });
});

describe("splitPartNotes", () => {
  it("numbers the parts of a colourway split across days and leaves whole ones alone", () => {
    expect(
      splitPartNotes([
        { productId: "a", colourway: "Navy" },
        { productId: "b", colourway: null },
        { productId: "a", colourway: "navy" },
        { productId: "a", colourway: "Sand" },
      ]),
    ).toEqual(["Part 1 of 2: this colourway is split across studio days.", null, "Part 2 of 2: this colourway is split across studio days.", null]);
  });
});

describe("capShotList", () => {
  const p = { variants: ["Black", "White", "Red", "Blue"].map((c) => ({ sku: c, options: { Color: c } })) };

  it("keeps whole studio days up to the line limit and counts what waits", () => {
    // 2 colourways a day (4 images): days of 2 lines.
    const list = buildShotLists({ lines: [request(p)], settings: settings({ imagesPerDay: 4 }) });
    expect(list.days.map((d) => d.lines.length)).toEqual([2, 2]);
    const capped = capShotList(list, 3);
    expect(capped.remainingLines).toBe(2);
    expect(capped.list.days).toHaveLength(1);
    expect(capped.list.totalImages).toBe(4);
    expect(capShotList(list, 4)).toEqual({ list, remainingLines: 0 });
  });

  it("cuts inside the first day when that day alone is over the limit", () => {
    const list = buildShotLists({ lines: [request(p)], settings: settings({ imagesPerDay: 100 }) });
    const capped = capShotList(list, 3);
    expect(capped.list.days[0].lines.map((l) => l.colourway)).toEqual(["Black", "White", "Red"]);
    expect(capped.list.days[0].images).toBe(6);
    expect(capped.remainingLines).toBe(1);
  });
});

describe("shotListTransition", () => {
  it("moves one step forward or back", () => {
    expect(shotListTransition("draft", "sent")).toEqual({ ok: true });
    expect(shotListTransition("sent", "shooting")).toEqual({ ok: true });
    expect(shotListTransition("shooting", "delivered")).toEqual({ ok: true });
    expect(shotListTransition("delivered", "shooting")).toEqual({ ok: true });
    expect(shotListTransition("sent", "draft")).toEqual({ ok: true });
  });

  it("refuses jumps, no-ops and unknown statuses with what to do", () => {
    expect(shotListTransition("draft", "delivered")).toEqual({ ok: false, error: "a shot list moves one step at a time: it is draft, so mark it sent first" });
    expect(shotListTransition("delivered", "draft")).toEqual({ ok: false, error: "a shot list moves one step at a time: it is delivered, so mark it shooting first" });
    expect(shotListTransition("sent", "sent")).toEqual({ ok: false, error: "the shot list is already sent" });
    expect(shotListTransition("sent", "lost")).toEqual({ ok: false, error: "status must be one of draft, sent, shooting, delivered" });
  });
});

describe("shotListPrintHtml", () => {
  it("escapes every text, drops non-http image sources and starts each studio day on a new printed page", () => {
    const list = buildShotLists({
      lines: [
        request({ title: "<script>alert(1)</script> Shirt", featuredImageUrl: "javascript:alert(1)" }, TWO_VIEWS, { stylingNotes: 'Pin "hem" & steam' }),
        request({ id: "2", title: "Dress", variants: [{ sku: "D-1", options: {} }] }),
      ],
      settings: settings({ imagesPerDay: 4 }),
    });
    const rows = sheetRows(list).map((row) => ({ ...row, deliveredLabels: row.productTitle === "Dress" ? ["On-model, front"] : [] }));
    const html = shotListPrintHtml({ number: 12, statusLabel: "Sent", shopName: "Nord & Co", imagesPerDay: 4, rows });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Shirt");
    expect(html).toContain("Pin &quot;hem&quot; &amp; steam");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("<title>Shot list #12 · Nord &amp; Co</title>");
    expect(html.match(/<section class="day">/g)).toHaveLength(2);
    expect(html).toContain("section.day + section.day { break-before: page; }");
    expect(html).toContain("Studio day 2 · Tuesday 8 December 2026");
    expect(html).toContain("&#9745; On-model, front");
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it("escapes the five HTML characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
