import { useLocation, useNavigate, useNavigation, useOutlet } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { REJECT_REASON_LABELS, REVIEW_STATUS_LABELS, statusAfterApproval, type ReviewStatus } from "../review/review-decision";
import type { ReviewFilters } from "../review/review-filters";
import { afterDecision, compareHref, describeErrors, inReviewState, moveFocus, nextFocusAfter, reviewSearch, type ReviewCard } from "../review/review-grid";
import type { ReviewGridData } from "../review/review-grid.server";
import { ReviewCardView, REVIEW_GRID_CSS, type CardAction } from "./review-card";
import { useReviewDecisions, type DecisionFields, type PendingDecision, type ReviewOutcomeData } from "./review-decisions";
import { ConfirmDialog, RejectDialog } from "./review-dialogs";
import { ReviewFiltersBar } from "./review-filters-bar";
import { ReviewKeyHints } from "./review-key-hints";
import { ReviewToast, type ReviewNotice } from "./review-toast";
import { useReviewKeyboard } from "./use-review-keyboard";

/** Cards in the first row (up to this many) load eagerly with high priority: one of them is the page's largest paint. */
const EAGER_CARDS = 6;
const FIRST = "\u0000first";

export interface ReviewOutletContext {
  /** Sends a decision through the grid (which outlives the compare view, so its outcome is always shown). */
  decide: (fields: DecisionFields, ids: string[]) => void;
  /** Shows an outcome in the grid's toast. */
  showOutcome: (decision: PendingDecision, outcome: ReviewOutcomeData | undefined) => void;
  /** Assets with a decision in flight. */
  busyIds: ReadonlySet<string>;
  /** The card that gets focus when the compare view closes. */
  returnFocusTo: (assetId: string) => void;
  gridHref: string;
}

type Dialog = { kind: "reject"; ids: string[]; subject: string } | { kind: "approve-all" } | null;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function cardName(card: ReviewCard): string {
  return `${card.productTitle}, ${card.viewLabel.toLowerCase()} view`;
}

function cardElement(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-review-card="${CSS.escape(id)}"]`);
}

/**
 * The review grid: the queue of assets awaiting a person, filterable, paged on
 * the server, driven by keyboard or mouse. Decisions run in the background
 * (each its own request); the cards they move leave at once and focus goes to
 * the next card. The compare view opens over the grid, which stays mounted so
 * focus returns to the card it came from.
 */
export function ReviewPage({ data }: { data: ReviewGridData & { demo: boolean } }) {
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { filters, brandSignOff } = data;
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<ReviewNotice | null>(null);
  const focused = useRef<string | null>(null);
  const focusRequest = useRef<string | null>(null);
  const returnTo = useRef<string | null>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const noticeId = useRef(0);

  const titles = useRef(new Map<string, string>());
  for (const card of data.cards) titles.current.set(card.id, cardName(card));

  const showOutcome = useCallback((decision: PendingDecision, outcome: ReviewOutcomeData | undefined) => {
    noticeId.current += 1;
    const id = noticeId.current;
    if (!outcome) {
      setNotice({ id, tone: "critical", title: "The decision did not reach Shotlane", lines: ["Check the connection and try again; nothing was changed."] });
      return;
    }
    if (!outcome.ok) {
      setNotice({ id, tone: "critical", title: "Nothing was changed", lines: describeErrors(outcome.errors) });
      return;
    }
    const lines = outcome.skipped.slice(0, 5).map((s) => `${titles.current.get(s.assetId) ?? s.assetId}: ${s.reason}`);
    if (outcome.skipped.length > 5) lines.push(`and ${outcome.skipped.length - 5} more left as they were`);
    // "Anatomy (hands, limbs, face)" reads "Anatomy" in the toast.
    const reasonLabel = (reason: string) => (REJECT_REASON_LABELS[reason as keyof typeof REJECT_REASON_LABELS] ?? reason).replace(/ \(.*\)$/, "");
    const reason = decision.fields.intent === "reject" && typeof decision.fields.reason === "string" ? ` (${reasonLabel(decision.fields.reason)})` : "";
    setNotice({ id, tone: outcome.skipped.length ? "warning" : "success", title: `${capitalise(outcome.message)}${reason}`, lines });
    if (outcome.assetIds?.length) {
      const changed = new Set(outcome.assetIds);
      setSelected((current) => (current.size ? new Set([...current].filter((x) => !changed.has(x))) : current));
    }
  }, []);

  const dismissNotice = useCallback(() => setNotice(null), []);
  const decisions = useReviewDecisions(showOutcome);
  const submitDecision = decisions.submit;
  const hidden = useMemo(() => new Set(decisions.pending.flatMap((d) => d.hide)), [decisions.pending]);
  const cards = useMemo(() => data.cards.filter((c) => !hidden.has(c.id)), [data.cards, hidden]);
  const busyIds = useMemo(() => new Set(decisions.pending.flatMap((d) => d.fields.assetIds ?? [])), [decisions.pending]);
  const eager = useMemo(() => new Set(data.cards.slice(0, EAGER_CARDS).map((c) => c.id)), [data.cards]);
  const cardsRef = useRef(cards);
  cardsRef.current = cards;

  // Selections of cards no longer on the page are dropped.
  useEffect(() => {
    setSelected((current) => {
      if (current.size === 0) return current;
      const present = new Set(data.cards.map((c) => c.id));
      const kept = [...current].filter((id) => present.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [data.cards]);

  const go = useCallback((changes: Partial<ReviewFilters>) => navigate(`/app/review${reviewSearch({ ...filters, page: 1, ...changes })}`, { preventScrollReset: true }), [navigate, filters]);

  /** Sends a decision; cards it moves out of the list disappear now and focus goes to the next one. */
  const decide = useCallback(
    (fields: DecisionFields, ids: string[]) => {
      const intent = fields.intent;
      const leaving =
        intent === "approve-all-passed"
          ? ids.filter((id) => !inReviewState(filters.state, { reviewStatus: statusAfterApproval(brandSignOff), flagged: false }) && cardsRef.current.some((c) => c.id === id))
          : ids.filter((id) => {
              const card = cardsRef.current.find((c) => c.id === id);
              return card && !inReviewState(filters.state, afterDecision(intent, { reviewStatus: card.reviewStatus, flagged: card.flagged }, { brandSignOff, flagged: fields.flagged === undefined ? undefined : fields.flagged === "true" }));
            });
      if (leaving.length) {
        const visible = cardsRef.current.map((c) => c.id);
        focusRequest.current = nextFocusAfter(visible, new Set(leaving), focused.current) ?? FIRST;
      } else if (focused.current) focusRequest.current = focused.current;
      submitDecision(fields, { hide: leaving });
    },
    [submitDecision, filters.state, brandSignOff],
  );

  const outletContext: ReviewOutletContext = useMemo(
    () => ({ decide, showOutcome, busyIds, returnFocusTo: (id: string) => (returnTo.current = id), gridHref: `/app/review${reviewSearch(filters)}` }),
    [decide, showOutcome, busyIds, filters],
  );
  const outlet = useOutlet(outletContext);
  const overlayOpen = outlet !== null;
  const overlayRef = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();

  // Focus goes into the compare view when it opens and with each asset it shows, so a screen reader announces it and Tab starts there.
  useEffect(() => {
    if (overlayOpen && !overlayRef.current?.contains(document.activeElement)) overlayRef.current?.focus({ preventScroll: true });
    if (overlayOpen) overlayRef.current?.scrollTo({ top: 0 });
  }, [overlayOpen, pathname]);

  // Focus requested by a decision or a closing overlay lands once its card is rendered.
  useEffect(() => {
    const wanted = focusRequest.current;
    if (!wanted || overlayOpen || dialog) return;
    const target = wanted === FIRST ? (cards[0] ? cardElement(cards[0].id) : null) : cardElement(wanted);
    if (target) {
      focusRequest.current = null;
      target.focus();
    }
  });

  // The grid behind the compare view is inert and does not scroll; when the view closes, focus returns to its card.
  const wasOpen = useRef(overlayOpen);
  useEffect(() => {
    const page = pageRef.current;
    if (overlayOpen) {
      page?.setAttribute("inert", "");
      document.documentElement.style.overflow = "hidden";
    } else {
      page?.removeAttribute("inert");
      document.documentElement.style.overflow = "";
      if (wasOpen.current) {
        const back = returnTo.current;
        const ids = cardsRef.current.map((c) => c.id);
        focusRequest.current = back && ids.includes(back) ? back : ids.length ? FIRST : null;
        returnTo.current = null;
      }
    }
    wasOpen.current = overlayOpen;
    return () => {
      document.documentElement.style.overflow = "";
    };
  }, [overlayOpen]);

  const cardById = useCallback((id: string) => cardsRef.current.find((c) => c.id === id), []);

  const openReject = useCallback((ids: string[]) => {
    if (ids.length === 0) return;
    const subject = ids.length === 1 ? (titles.current.get(ids[0]) ?? "this asset") : `${ids.length} selected assets`;
    setDialog({ kind: "reject", ids, subject });
  }, []);

  const openCompare = useCallback(
    (id: string, zoom = false) => {
      returnTo.current = id;
      navigate(compareHref(id, filters, { zoom }), { preventScrollReset: true });
    },
    [navigate, filters],
  );

  const onAction = useCallback(
    (id: string, action: CardAction) => {
      focused.current = id;
      // On a card awaiting the brand's sign-off, A is the sign-off (the service still refuses the reviewer who approved it).
      if (action === "approve") decide({ intent: cardById(id)?.reviewStatus === "awaiting-signoff" ? "sign-off" : "approve", assetIds: [id] }, [id]);
      else if (action === "reject") openReject([id]);
      else if (action === "flag") decide({ intent: "flag", assetIds: [id], flagged: String(!cardById(id)?.flagged) }, [id]);
      else openCompare(id);
    },
    [decide, openReject, openCompare, cardById],
  );

  const onSelect = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const onFocusCard = useCallback((id: string) => {
    focused.current = id;
  }, []);

  const move = (key: "next" | "previous" | "left" | "right" | "up" | "down") => {
    const list = cardsRef.current;
    const columns = gridRef.current ? getComputedStyle(gridRef.current).gridTemplateColumns.split(" ").filter(Boolean).length : 1;
    const index = focused.current ? list.findIndex((c) => c.id === focused.current) : -1;
    const target = moveFocus(index < 0 ? null : index, key, list.length, columns);
    if (target === null) return;
    const element = cardElement(list[target].id);
    element?.focus();
    if (element && document.activeElement === element) focused.current = list[target].id;
  };
  /** The focused card, if focus is on one (or inside one). */
  const current = (event?: KeyboardEvent) => {
    const id = (event?.target as HTMLElement | null)?.closest?.("[data-review-card]")?.getAttribute("data-review-card") ?? focused.current;
    return id && cardById(id) ? id : null;
  };
  const onCard = (event: KeyboardEvent) => (event.target as HTMLElement).hasAttribute?.("data-review-card");

  useReviewKeyboard(!overlayOpen && dialog === null, {
    next: () => move("next"),
    previous: () => move("previous"),
    left: () => move("left"),
    right: () => move("right"),
    up: () => move("up"),
    down: () => move("down"),
    approve: (event) => {
      const id = current(event);
      if (id) onAction(id, "approve");
    },
    reject: (event) => {
      const id = current(event);
      if (id) onAction(id, "reject");
    },
    flag: (event) => {
      const id = current(event);
      if (id) onAction(id, "flag");
    },
    zoom: (event) => {
      const id = current(event);
      if (id) openCompare(id, true);
    },
    open: (event) => {
      if (onCard(event)) openCompare(current(event)!);
    },
    select: (event) => {
      const id = current(event);
      if (id && onCard(event)) onSelect(id, !selected.has(id));
    },
    close: () => {
      if (selected.size) setSelected(new Set());
    },
  });

  // Says when the shortcuts are live (the listener above is attached by now): the hints stop looking
  // inert, and the speed test measures time to interactive without pressing keys during hydration.
  const [keysReady, setKeysReady] = useState(false);
  useEffect(() => setKeysReady(true), []);

  const closeDialog = () => {
    setDialog(null);
    // Back to the card the dialog came from.
    if (focused.current) focusRequest.current = focused.current;
  };

  const selectedIds = cards.filter((c) => selected.has(c.id)).map((c) => c.id);
  const allOnPage = cards.length > 0 && selectedIds.length === cards.length;
  const passedOnPage = cards.filter((c) => c.verdict === "pass" && c.reviewStatus === "awaiting-review").map((c) => c.id);
  const stateLabel = filters.state === "open" ? "open" : filters.state === "flagged" ? "flagged" : (REVIEW_STATUS_LABELS[filters.state as ReviewStatus] ?? filters.state).toLowerCase();
  const filterErrors = Object.values(data.filterErrors);
  const emptyBecauseFiltered = data.total === 0 && (filters.verdict || filters.tier || filters.collection || filters.category || filters.source || filters.product);

  return (
    <>
      <style dangerouslySetInnerHTML={{ __html: REVIEW_GRID_CSS }} />
      <div ref={pageRef} data-keyboard={keysReady ? "ready" : "loading"}>
        <Page fullWidth title="Review" subtitle={`${plural(data.total, "asset")} ${stateLabel}${filters.verdict ? `, verdict ${filters.verdict}` : ""}`}>
          <BlockStack gap="400">
            {filterErrors.length > 0 ? (
              <Banner tone="warning" title="Some filters in the address were ignored">
                <ul>
                  {filterErrors.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <ReviewFiltersBar filters={filters} verdictCounts={data.verdictCounts} facets={data.facets} onChange={go} />
                <ReviewKeyHints id="review-key-hints" where="grid" />
              </BlockStack>
            </Card>
            <Card padding="300">
              <InlineStack gap="300" blockAlign="center" align="space-between">
                <InlineStack gap="300" blockAlign="center">
                  <Checkbox
                    label={selectedIds.length ? `${selectedIds.length} selected` : "Select all on this page"}
                    checked={allOnPage ? true : selectedIds.length ? "indeterminate" : false}
                    disabled={cards.length === 0}
                    onChange={(on) => setSelected(on ? new Set(cards.map((c) => c.id)) : new Set())}
                  />
                  <Button disabled={selectedIds.length === 0} onClick={() => decide({ intent: "approve", assetIds: selectedIds }, selectedIds)}>
                    Approve selected
                  </Button>
                  <Button disabled={selectedIds.length === 0} tone="critical" onClick={() => openReject(selectedIds)}>
                    Reject selected…
                  </Button>
                  <Button disabled={selectedIds.length === 0} onClick={() => decide({ intent: "flag", assetIds: selectedIds, flagged: "true" }, selectedIds)}>
                    Flag selected
                  </Button>
                </InlineStack>
                <Button variant="primary" disabled={data.passedAwaiting === 0} onClick={() => setDialog({ kind: "approve-all" })}>
                  {`Approve all passed (${data.passedAwaiting.toLocaleString("en-US")})`}
                </Button>
              </InlineStack>
            </Card>
            {cards.length === 0 ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {emptyBecauseFiltered ? "No assets match these filters" : filters.state === "open" ? "Nothing awaits review" : `No ${stateLabel} assets`}
                  </Text>
                  <Text as="p" tone="subdued">
                    {emptyBecauseFiltered
                      ? "Change or clear the filters to see the rest of the queue."
                      : "Assets arrive here once post-production and the automated checks are done. Send products to production from the catalog."}
                  </Text>
                  {emptyBecauseFiltered ? (
                    <InlineStack>
                      <Button onClick={() => navigate("/app/review")}>Clear filters</Button>
                    </InlineStack>
                  ) : null}
                </BlockStack>
              </Card>
            ) : (
              <ul ref={gridRef} className="review-grid" aria-label={`Assets, page ${data.page} of ${data.pageCount}`} aria-describedby="review-key-hints" aria-busy={navigation.state === "loading"}>
                {cards.map((card) => (
                  <li key={card.id}>
                    <ReviewCardView
                      card={card}
                      index={data.cards.indexOf(card)}
                      selected={selected.has(card.id)}
                      eager={eager.has(card.id)}
                      href={compareHref(card.id, filters)}
                      busy={busyIds.has(card.id)}
                      onSelect={onSelect}
                      onFocusCard={onFocusCard}
                      onAction={onAction}
                    />
                  </li>
                ))}
              </ul>
            )}
            <Box paddingBlockEnd="800">
              <InlineStack align="center">
                <Pagination
                  hasPrevious={data.page > 1}
                  hasNext={data.page < data.pageCount}
                  onPrevious={() => navigate(`/app/review${reviewSearch({ ...filters, page: data.page - 1 })}`)}
                  onNext={() => navigate(`/app/review${reviewSearch({ ...filters, page: data.page + 1 })}`)}
                  label={`Page ${data.page} of ${data.pageCount} · ${plural(data.total, "asset")}`}
                />
              </InlineStack>
            </Box>
          </BlockStack>
        </Page>
      </div>
      <RejectDialog
        open={dialog?.kind === "reject"}
        subject={dialog?.kind === "reject" ? dialog.subject : ""}
        assetIds={dialog?.kind === "reject" ? dialog.ids : []}
        onCancel={closeDialog}
        onConfirm={({ reason, note }) => {
          if (dialog?.kind !== "reject") return;
          const ids = dialog.ids;
          setDialog(null);
          decide({ intent: "reject", assetIds: ids, reason, note }, ids);
        }}
      />
      <ConfirmDialog
        open={dialog?.kind === "approve-all"}
        title={`Approve ${plural(data.passedAwaiting, "asset")} that passed every check?`}
        confirmLabel={`Approve ${plural(data.passedAwaiting, "asset")}`}
        onCancel={closeDialog}
        onConfirm={() => {
          setDialog(null);
          const { page: _page, ...rest } = filters;
          const fields: DecisionFields = { intent: "approve-all-passed" };
          for (const [key, value] of Object.entries(rest)) if (value !== undefined) fields[key] = String(value);
          decide(fields, passedOnPage);
        }}
      >
        <Text as="p">
          Every asset awaiting review with a pass verdict {describeFilters(filters, data)} is approved{data.brandSignOff ? " and goes to the brand's sign-off" : ""}, on every page, not only this one. Flagged and rejected verdicts stay in the queue.
        </Text>
      </ConfirmDialog>
      <ReviewToast notice={notice} onDismiss={dismissNotice} />
      {decisions.runners}
      {outlet ? (
        <div ref={overlayRef} className="review-overlay" role="dialog" aria-modal="true" aria-label="Compare view" tabIndex={-1}>
          {outlet}
        </div>
      ) : null}
    </>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describeFilters(filters: ReviewFilters, data: Pick<ReviewGridData, "facets">): string {
  const parts: string[] = [];
  if (filters.tier) parts.push(`tier ${filters.tier}`);
  if (filters.source) parts.push(`source ${filters.source}`);
  if (filters.category) parts.push(`category ${data.facets.categories.find((c) => c.key === filters.category)?.name ?? filters.category}`);
  if (filters.collection) parts.push(`collection ${data.facets.collections.find((c) => c.id === filters.collection)?.title ?? filters.collection}`);
  if (filters.product) parts.push("this product");
  return parts.length ? `in ${parts.join(", ")}` : "in the whole queue";
}
