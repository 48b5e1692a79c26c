import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { ReviewIntent } from "../review/review-decision";

/** What /api/review answers (ReviewOutcome of review-actions.server, kept here so components never import server code). */
export type ReviewOutcomeData =
  | { ok: true; changed: number; skipped: { assetId: string; reason: string }[]; message: string; assetIds?: string[] }
  | { ok: false; errors: Record<string, string> };

export type DecisionFields = { intent: ReviewIntent | "approve-all-passed"; assetIds?: string[] } & Record<string, string | string[] | undefined>;

export interface PendingDecision {
  key: string;
  fields: DecisionFields;
  /** Cards to take out of the grid while the decision runs (they come back if it is refused). */
  hide: string[];
}

let sequence = 0;

/**
 * Review decisions in flight: each submission gets its own fetcher (so pressing
 * A on five cards in a row sends five requests, none cancelling another), the
 * assets it moves are known while it runs (for optimistic hiding), and
 * `onDone` hears each outcome once the page's loaders have revalidated.
 */
export function useReviewDecisions(onDone: (decision: PendingDecision, outcome: ReviewOutcomeData | undefined) => void): {
  submit: (fields: DecisionFields, options?: { hide?: string[] }) => void;
  pending: PendingDecision[];
  runners: ReactNode;
} {
  const [pending, setPending] = useState<PendingDecision[]>([]);
  const latestOnDone = useRef(onDone);
  latestOnDone.current = onDone;

  const submit = useCallback((fields: DecisionFields, options: { hide?: string[] } = {}) => {
    sequence += 1;
    setPending((list) => [...list, { key: `review-decision-${Date.now()}-${sequence}`, fields, hide: options.hide ?? [] }]);
  }, []);

  const finish = useCallback((decision: PendingDecision, outcome: ReviewOutcomeData | undefined) => {
    setPending((list) => list.filter((d) => d.key !== decision.key));
    latestOnDone.current(decision, outcome);
  }, []);

  const runners = pending.map((decision) => <DecisionRunner key={decision.key} decision={decision} onDone={finish} />);
  return { submit, pending, runners };
}

function DecisionRunner({ decision, onDone }: { decision: PendingDecision; onDone: (decision: PendingDecision, outcome: ReviewOutcomeData | undefined) => void }) {
  const fetcher = useFetcher<ReviewOutcomeData>({ key: decision.key });
  const started = useRef(false);
  const busy = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const form = new FormData();
    for (const [name, value] of Object.entries(decision.fields)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) form.append(name, v);
      else form.set(name, value);
    }
    fetcher.submit(form, { method: "post", action: "/api/review" });
    // fetcher is stable for a key; the submission happens once per decision.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (fetcher.state !== "idle") busy.current = true;
    else if (busy.current) {
      busy.current = false;
      onDone(decision, fetcher.data);
    }
  }, [fetcher.state, fetcher.data, decision, onDone]);

  return null;
}
