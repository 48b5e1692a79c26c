import { QC_CHECK_IDS, worstVerdict, type QcCheckId, type QcVerdict } from "./qc-check";

/**
 * How well the layer-1 checks find what they are meant to find (issue #6):
 * precision and recall per check, per image and per defect × severity, from
 * labelled images and the verdicts the checks gave them. Pure; the labelled
 * set and the runs that produce the verdicts live with the tests and the bench.
 *
 * A check "fires" when its verdict is flag or reject. For one check, an image
 * is positive when its label expects that check to fire, negative otherwise,
 * and left out when the label tolerates the check (the defect legitimately
 * changes what that check measures too, e.g. an enlarged master is also
 * softer, so sharpness may fire on it without that being a false alarm).
 * For the image as a whole, positive means the label expects any check to
 * fire, and the image is caught when its overall verdict is not pass.
 */

export const QC_SEVERITIES = ["none", "sub-threshold", "mild", "moderate", "severe"] as const;
/** "none" for good images; "sub-threshold" for a defect applied below what the contract calls a defect (a control: it should pass). */
export type QcSeverity = (typeof QC_SEVERITIES)[number];

export interface QcLabel {
  /** The defect applied, null for a good image. */
  defect: string | null;
  severity: QcSeverity;
  /** Checks that must fire on this image; empty when it should pass. */
  expectedChecks: QcCheckId[];
  /** Checks whose firing is neither a hit nor a false alarm on this image. */
  toleratedChecks?: QcCheckId[];
}

export interface EvaluatedItem {
  id: string;
  label: QcLabel;
  /** The verdict of each check that ran on the image. */
  verdicts: Partial<Record<QcCheckId, QcVerdict>>;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Rates extends Confusion {
  /** TP / (TP + FP); null when nothing fired. */
  precision: number | null;
  /** TP / (TP + FN); null when there was nothing to find. */
  recall: number | null;
}

export interface CheckEvaluation extends Rates {
  check: QcCheckId;
  /** Images left out of this check's counts because their label tolerates it, and how many of them it fired on. */
  tolerated: { images: number; fired: number };
  /** Rejects among the false positives: a good image thrown away, not just shown to a reviewer. */
  fpRejects: number;
  /** Ids of the images behind FP and FN, for the report. */
  falsePositives: string[];
  falseNegatives: string[];
}

export interface DefectSeverityEvaluation {
  defect: string;
  severity: QcSeverity;
  images: number;
  /** Images the label expects to be stopped (0 for sub-threshold controls). */
  positives: number;
  /** Positives on which at least one of their expected checks fired. */
  caughtByExpected: number;
  /** Images whose overall verdict is not pass, for whatever reason. */
  notPassed: number;
  /** caughtByExpected / positives; null for controls. */
  recall: number | null;
}

export interface QcEvaluation {
  checks: CheckEvaluation[];
  /** Image level: expected to be stopped vs overall verdict not pass. */
  image: Rates & { falsePositives: string[]; falseNegatives: string[] };
  /** Summed over the checks' confusion counts. */
  micro: Rates;
  /** How the images expected to pass fared: their overall verdicts. */
  negatives: Record<QcVerdict, number>;
  bySeverity: DefectSeverityEvaluation[];
}

function fires(verdict: QcVerdict | undefined): boolean {
  return verdict === "flag" || verdict === "reject";
}

export function rates({ tp, fp, fn, tn }: Confusion): Rates {
  return { tp, fp, fn, tn, precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn) };
}

function overallVerdict(item: EvaluatedItem): QcVerdict {
  return worstVerdict(Object.values(item.verdicts) as QcVerdict[]);
}

/** One check's confusion counts over the images it ran on, and those it should have stopped. */
export function evaluateCheck(check: QcCheckId, items: readonly EvaluatedItem[]): CheckEvaluation {
  const counts: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const tolerated = { images: 0, fired: 0 };
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];
  let fpRejects = 0;
  for (const item of items) {
    const verdict = item.verdicts[check];
    const positive = item.label.expectedChecks.includes(check);
    // A check that did not run on an image it should have stopped missed it.
    if (verdict === undefined && !positive) continue;
    const fired = fires(verdict);
    if (!positive && item.label.toleratedChecks?.includes(check)) {
      tolerated.images += 1;
      if (fired) tolerated.fired += 1;
      continue;
    }
    if (positive && fired) counts.tp += 1;
    else if (positive) {
      counts.fn += 1;
      falseNegatives.push(item.id);
    } else if (fired) {
      counts.fp += 1;
      falsePositives.push(item.id);
      if (verdict === "reject") fpRejects += 1;
    } else counts.tn += 1;
  }
  return { check, ...rates(counts), tolerated, fpRejects, falsePositives, falseNegatives };
}

function severityRank(severity: QcSeverity): number {
  return QC_SEVERITIES.indexOf(severity);
}

export function evaluateQc(items: readonly EvaluatedItem[]): QcEvaluation {
  const ran = new Set<QcCheckId>();
  for (const item of items) for (const check of Object.keys(item.verdicts) as QcCheckId[]) ran.add(check);
  for (const item of items) for (const check of item.label.expectedChecks) ran.add(check);
  const checks = QC_CHECK_IDS.filter((check) => ran.has(check)).map((check) => evaluateCheck(check, items));

  const image: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const imageFalsePositives: string[] = [];
  const imageFalseNegatives: string[] = [];
  const negatives: Record<QcVerdict, number> = { pass: 0, flag: 0, reject: 0 };
  for (const item of items) {
    const positive = item.label.expectedChecks.length > 0;
    const verdict = overallVerdict(item);
    const stopped = verdict !== "pass";
    if (!positive) negatives[verdict] += 1;
    if (positive && stopped) image.tp += 1;
    else if (positive) {
      image.fn += 1;
      imageFalseNegatives.push(item.id);
    } else if (stopped) {
      image.fp += 1;
      imageFalsePositives.push(item.id);
    } else image.tn += 1;
  }

  const micro = rates(
    checks.reduce<Confusion>((sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn, tn: sum.tn + c.tn }), { tp: 0, fp: 0, fn: 0, tn: 0 }),
  );

  const groups = new Map<string, DefectSeverityEvaluation>();
  for (const item of items) {
    if (item.label.defect === null) continue;
    const key = `${item.label.defect}\u0000${item.label.severity}`;
    let group = groups.get(key);
    if (!group) {
      group = { defect: item.label.defect, severity: item.label.severity, images: 0, positives: 0, caughtByExpected: 0, notPassed: 0, recall: null };
      groups.set(key, group);
    }
    group.images += 1;
    if (overallVerdict(item) !== "pass") group.notPassed += 1;
    if (item.label.expectedChecks.length > 0) {
      group.positives += 1;
      if (item.label.expectedChecks.some((check) => fires(item.verdicts[check]))) group.caughtByExpected += 1;
    }
  }
  const bySeverity = [...groups.values()]
    .map((g) => ({ ...g, recall: g.positives === 0 ? null : g.caughtByExpected / g.positives }))
    .sort((a, b) => (a.defect === b.defect ? severityRank(a.severity) - severityRank(b.severity) : a.defect < b.defect ? -1 : 1));

  return { checks, image: { ...rates(image), falsePositives: imageFalsePositives, falseNegatives: imageFalseNegatives }, micro, negatives, bySeverity };
}

function ratio(value: number | null): string {
  return value === null ? "   –" : value.toFixed(2);
}

/** The evaluation as a fixed-width text table: per check, per image, then recall per defect × severity. */
export function formatQcEvaluation(evaluation: QcEvaluation): string {
  const lines: string[] = [];
  const row = (name: string, r: Rates, extra = "") =>
    `  ${name.padEnd(16)} ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)} ${String(r.tn).padStart(4)}   ${ratio(r.precision).padStart(9)} ${ratio(r.recall).padStart(6)}${extra}`;
  lines.push(`  ${"check".padEnd(16)} ${"TP".padStart(4)} ${"FP".padStart(4)} ${"FN".padStart(4)} ${"TN".padStart(4)}   ${"precision".padStart(9)} ${"recall".padStart(6)}  tolerated (fired/images)`);
  for (const c of evaluation.checks) lines.push(row(c.check, c, `  ${c.tolerated.fired}/${c.tolerated.images}${c.fpRejects ? `  ${c.fpRejects} FP rejected` : ""}`));
  lines.push(row("all checks", evaluation.micro));
  lines.push(row("image", evaluation.image));
  const n = evaluation.negatives;
  lines.push(`  images expected to pass: ${n.pass} passed, ${n.flag} flagged, ${n.reject} rejected`);
  lines.push("");
  const width = Math.max(6, ...evaluation.bySeverity.map((g) => g.defect.length));
  lines.push(`  ${"defect".padEnd(width)} ${"severity".padEnd(13)} ${"images".padStart(6)}  caught by its check  not passed`);
  for (const g of evaluation.bySeverity) {
    const caught = g.positives === 0 ? "(control)" : `${g.caughtByExpected}/${g.positives} = ${ratio(g.recall)}`;
    lines.push(`  ${g.defect.padEnd(width)} ${g.severity.padEnd(13)} ${String(g.images).padStart(6)}  ${caught.padEnd(19)}  ${g.notPassed}/${g.images}`);
  }
  return lines.join("\n");
}
