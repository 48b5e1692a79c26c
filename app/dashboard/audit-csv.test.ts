import { describe, expect, it } from "vitest";
import { AUDIT_CSV_HEADER, auditCsvHeader, auditCsvLine, qcScoresText, type AuditRow } from "./audit-csv";

const row: AuditRow = {
  id: "a1",
  createdAt: new Date("2026-11-02T01:00:00Z"),
  productId: "gid://shopify/Product/1",
  productTitle: "-Sale- \"Linen\", dress",
  planAsset: "packshot",
  kind: "image",
  source: "ai",
  provider: "fashn",
  model: "tryon-v1.6",
  operation: "try-on",
  recipe: "tops",
  recipeVersion: 3,
  seed: 42,
  regenerations: 1,
  regeneratedFromId: "a0",
  status: "stored",
  costMicros: 75_000,
  qcVerdict: "flag",
  qcReport: { checks: [{ check: "garment-colour", score: 3.4, verdict: "flag" }, { check: "sharpness", score: null, verdict: "flag" }] },
  qcDeltaE: 3.4,
  reviewStatus: "rejected",
  reviewedBy: "user:7",
  reviewedAt: new Date("2026-11-02T05:00:00Z"),
  rejectReason: "colour-drift",
  reviewNote: "@too warm\nsee sleeve",
  signedOffBy: null,
  publicationStatus: null,
  publishedAt: null,
  mediaId: null,
};

describe("audit CSV", () => {
  it("writes one line per asset with the same columns as the header", () => {
    expect(auditCsvHeader()).toBe(`${AUDIT_CSV_HEADER.join(",")}\r\n`);
    const line = auditCsvLine(row, [{ at: new Date("2026-11-02T05:00:00Z"), actor: "user:7", action: "review.rejected" }]);
    expect(line).toBe(
      [
        "a1,2026-11-02T01:00:00.000Z,gid://shopify/Product/1,\"'-Sale- \"\"Linen\"\", dress\",packshot,image,ai,fashn,tryon-v1.6,try-on,tops,3,42,1,a0,stored,0.075,flag,",
        "garment-colour=3.4 flag; sharpness=n/a flag,3.4,rejected,user:7,2026-11-02T05:00:00.000Z,colour-drift,",
        "\"'@too warm\nsee sleeve\",,,,,2026-11-02T05:00:00.000Z review.rejected by user:7\r\n",
      ].join(""),
    );
  });

  it("reads scores from a stored report and skips anything malformed", () => {
    expect(qcScoresText(null)).toBe("");
    expect(qcScoresText({ checks: "nope" })).toBe("");
    expect(qcScoresText({ checks: [null, 3, { check: "exposure", score: 1.2, verdict: "pass" }] })).toBe("exposure=1.2 pass");
  });
});
