import { Link } from "@remix-run/react";
import { memo, type ReactNode } from "react";
import { cardAriaLabel, VERDICT_LABELS, VERDICT_TONES, type ReviewCard } from "../review/review-grid";

export type CardAction = "approve" | "reject" | "flag" | "open";

interface Props {
  card: ReviewCard;
  index: number;
  selected: boolean;
  /** The first row loads at once with high priority (it is the LCP); the rest lazily. */
  eager: boolean;
  href: string;
  /** A decision on this card is in flight: its buttons wait. */
  busy: boolean;
  onSelect: (id: string, selected: boolean) => void;
  onFocusCard: (id: string) => void;
  onAction: (id: string, action: CardAction) => void;
}

const SHOWN_FINDINGS = 2;

/**
 * One asset in the review grid: a focusable element whose accessible name
 * says product, view and verdict. Its buttons show on hover and when focus is
 * inside it (the room stays reserved, so nothing moves). Memoised: moving
 * focus re-renders nothing, and a decision re-renders only its own cards.
 * Plain elements styled with Polaris tokens rather than Polaris components:
 * 48 cards of Badge/Text/InlineStack were a third of the page's hydration.
 */
export const ReviewCardView = memo(function ReviewCardView({ card, index, selected, eager, href, busy, onSelect, onFocusCard, onAction }: Props) {
  const label = cardAriaLabel(card);
  const name = `${card.productTitle}, ${card.viewLabel.toLowerCase()} view, candidate ${card.candidateIndex + 1}`;
  const extra = card.findings.length - SHOWN_FINDINGS;
  // React 18 does not know fetchPriority yet; the lowercase attribute passes through as-is.
  const priority = eager ? ({ fetchpriority: "high" } as Record<string, string>) : {};
  return (
    <div
      className="review-card"
      role="group"
      tabIndex={0}
      aria-label={label}
      data-review-card={card.id}
      data-index={index}
      data-selected={selected ? "true" : undefined}
      onFocus={() => onFocusCard(card.id)}
      onDoubleClick={(event) => {
        if (!(event.target as HTMLElement).closest("button, input, a, label")) onAction(card.id, "open");
      }}
    >
      <div className="review-card__thumb">
        {card.thumb ? (
          <img src={card.thumb.url} width={card.thumb.width} height={card.thumb.height} alt="" loading={eager ? "eager" : "lazy"} decoding="async" draggable={false} {...priority} />
        ) : (
          <span className="review-card__meta">No thumbnail yet</span>
        )}
        <label className="review-card__select" title="Select">
          <input type="checkbox" checked={selected} onChange={(event) => onSelect(card.id, event.currentTarget.checked)} aria-label={`Select ${name}`} />
        </label>
        <span className="review-card__verdict">{card.verdict ? <Pill tone={VERDICT_TONES[card.verdict]}>{VERDICT_LABELS[card.verdict]}</Pill> : <Pill>Not checked</Pill>}</span>
      </div>
      <div className="review-card__body">
        <h3 className="review-card__title">{card.productTitle}</h3>
        <p className="review-card__meta">{[card.viewLabel, `#${card.candidateIndex + 1}`, card.tier ? `Tier ${card.tier}` : "No tier", card.recipeLabel].filter(Boolean).join(" · ")}</p>
        <div className="review-card__pills">
          <Pill tone={card.source === "ai" ? (card.demo ? "info" : "magic") : undefined}>{card.sourceLabel}</Pill>
          {card.flagged ? <Pill tone="attention">Flagged</Pill> : null}
          {card.reviewStatus === "awaiting-signoff" ? <Pill tone="info">Sign-off</Pill> : null}
        </div>
        <ul className="review-card__findings">
          {card.findings.slice(0, SHOWN_FINDINGS).map((finding) => (
            <li key={finding.check} data-verdict={finding.verdict} title={finding.reason}>
              <strong>{finding.label}:</strong> {finding.reason}
            </li>
          ))}
          {extra > 0 ? <li className="review-card__more">+{extra} more</li> : null}
          {card.findings.length === 0 && card.verdict === "pass" ? <li className="review-card__clean">Every check passed</li> : null}
        </ul>
      </div>
      <div className="review-card__actions">
        {card.reviewStatus === "awaiting-signoff" ? (
          <button type="button" className="review-card__button" disabled={busy} onClick={() => onAction(card.id, "approve")} aria-label={`Sign off ${name} for the brand`} title="Sign off (A)">
            Sign off
          </button>
        ) : (
          <button type="button" className="review-card__button" disabled={busy} onClick={() => onAction(card.id, "approve")} aria-label={`Approve ${name}`} title="Approve (A)">
            Approve
          </button>
        )}
        <button type="button" className="review-card__button" disabled={busy} onClick={() => onAction(card.id, "reject")} aria-label={`Reject ${name}`} title="Reject (R)" aria-haspopup="dialog">
          Reject…
        </button>
        <button type="button" className="review-card__button" disabled={busy} onClick={() => onAction(card.id, "flag")} aria-label={`${card.flagged ? "Unflag" : "Flag"} ${name}`} title="Flag (F)" aria-pressed={card.flagged}>
          {card.flagged ? "Unflag" : "Flag"}
        </button>
        <Link className="review-card__button" to={href} aria-label={`Compare ${name}`} title="Compare (Enter)" prefetch="none">
          Compare
        </Link>
      </div>
    </div>
  );
});

type PillTone = "success" | "warning" | "critical" | "info" | "magic" | "attention";

/** A badge drawn like Polaris's, without its component tree. */
function Pill({ tone, children }: { tone?: PillTone; children: ReactNode }) {
  return <span className={`review-pill${tone ? ` review-pill--${tone}` : ""}`}>{children}</span>;
}

/** The grid's and cards' styles: a fixed 4:5 thumbnail box so images never move the layout. */
export const REVIEW_GRID_CSS = `
.review-grid { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 12px; }
.review-grid > li { min-width: 0; }
.review-card { position: relative; display: flex; flex-direction: column; height: 100%; background: var(--p-color-bg-surface); border-radius: var(--p-border-radius-300); box-shadow: var(--p-shadow-100); outline: none; overflow: hidden; }
.review-card:focus-visible, .review-card:focus { box-shadow: 0 0 0 2px var(--p-color-bg-surface), 0 0 0 4px var(--p-color-border-focus); }
.review-card[data-selected] { box-shadow: 0 0 0 2px var(--p-color-border-emphasis); }
.review-card[data-selected]:focus { box-shadow: 0 0 0 2px var(--p-color-border-emphasis), 0 0 0 4px var(--p-color-border-focus); }
.review-card__thumb { position: relative; aspect-ratio: 4 / 5; background: #f1f1f1; display: flex; align-items: center; justify-content: center; }
.review-card__thumb img { width: 100%; height: 100%; object-fit: contain; display: block; user-select: none; }
.review-card__select { position: absolute; top: 6px; left: 6px; display: flex; padding: 6px; background: rgba(255,255,255,.9); border-radius: 6px; cursor: pointer; }
.review-card__select input { width: 18px; height: 18px; margin: 0; cursor: pointer; accent-color: var(--p-color-bg-fill-brand); }
.review-card__verdict { position: absolute; top: 8px; right: 8px; }
.review-card__body { padding: 8px 10px 4px; display: flex; flex-direction: column; gap: 4px; min-width: 0; flex: 1; }
.review-card__title { margin: 0; font-size: var(--p-font-size-325); line-height: var(--p-font-line-height-500); font-weight: var(--p-font-weight-semibold); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.review-card__meta { margin: 0; font-size: var(--p-font-size-300); line-height: var(--p-font-line-height-400); color: var(--p-color-text-secondary); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.review-card__pills { display: flex; flex-wrap: wrap; gap: 4px; }
.review-pill { display: inline-flex; align-items: center; max-width: 100%; padding: 2px 8px; border-radius: var(--p-border-radius-200); font-size: var(--p-font-size-300); line-height: var(--p-font-line-height-400); font-weight: var(--p-font-weight-medium); background: var(--p-color-bg-fill-transparent-secondary); color: var(--p-color-text-secondary); }
.review-pill--success { background: var(--p-color-bg-fill-success-secondary); color: var(--p-color-text-success); }
.review-pill--warning { background: var(--p-color-bg-fill-warning-secondary); color: var(--p-color-text-warning); }
.review-pill--critical { background: var(--p-color-bg-fill-critical-secondary); color: var(--p-color-text-critical); }
.review-pill--info { background: var(--p-color-bg-fill-info-secondary); color: var(--p-color-text-info); }
.review-pill--magic { background: var(--p-color-bg-fill-magic-secondary); color: var(--p-color-text-magic); }
.review-pill--attention { background: var(--p-color-bg-fill-caution-secondary); color: var(--p-color-text-caution); }
.review-card__findings { margin: 0; padding: 0; list-style: none; font-size: 12px; line-height: 16px; color: var(--p-color-text-secondary); }
.review-card__findings li { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.review-card__findings li[data-verdict="reject"] strong { color: var(--p-color-text-critical); }
.review-card__findings li[data-verdict="flag"] strong { color: var(--p-color-text-caution); }
.review-card__clean { color: var(--p-color-text-success); }
.review-card__actions { display: flex; gap: 4px; padding: 6px 8px 8px; flex-wrap: wrap; }
.review-card:not(:hover):not(:focus-within) .review-card__actions { visibility: hidden; }
@media (hover: none) { .review-card .review-card__actions { visibility: visible; } }
.review-card__button { font: inherit; font-size: 12px; line-height: 16px; padding: 4px 8px; border-radius: var(--p-border-radius-200); border: 1px solid var(--p-color-border); background: var(--p-color-bg-surface); color: var(--p-color-text); cursor: pointer; text-decoration: none; }
.review-card__button:hover { background: var(--p-color-bg-surface-hover); }
.review-card__button:focus-visible { outline: 2px solid var(--p-color-border-focus); outline-offset: 1px; }
.review-card__button:disabled { opacity: .5; cursor: default; }
.review-overlay { position: fixed; inset: 0; z-index: 400; background: var(--p-color-bg); overflow: auto; outline: none; }
.review-toast { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 600; max-width: min(640px, calc(100vw - 32px)); }
[data-keyboard="loading"] .review-hints { opacity: .55; }
.review-hints { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; font-size: 12px; color: var(--p-color-text-secondary); }
.review-hints span { display: inline-flex; gap: 3px; align-items: center; }
.review-dialog { border: none; border-radius: var(--p-border-radius-400); padding: 0; width: min(520px, calc(100vw - 32px)); box-shadow: var(--p-shadow-600); }
.review-dialog::backdrop { background: rgba(0,0,0,.45); }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); white-space: nowrap; border: 0; }
`;
