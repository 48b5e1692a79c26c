import { KeyboardKey } from "@shopify/polaris";

const k = (label: string) => <KeyboardKey size="small">{label}</KeyboardKey>;

/** The shortcuts, on screen, where a reviewer looks: the grid's and the compare view's. */
export function ReviewKeyHints({ id, where }: { id?: string; where: "grid" | "compare" }) {
  return (
    <div className="review-hints" id={id} aria-label="Keyboard shortcuts">
      {where === "grid" ? (
        <>
          <span>
            {k("J")}
            {k("K")} or {k("←")}
            {k("→")} next/previous
          </span>
          <span>
            {k("↑")}
            {k("↓")} row
          </span>
        </>
      ) : (
        <>
          <span>
            {k("J")}
            {k("K")} next/previous asset
          </span>
          <span>
            {k("←")}
            {k("↑")}
            {k("↓")}
            {k("→")} pan when zoomed
          </span>
        </>
      )}
      <span>{k("A")} approve (sign off when awaiting sign-off)</span>
      <span>
        {k("R")} reject ({k("1")}–{k("7")} reason, {k("Enter")} confirm, {k("Esc")} cancel)
      </span>
      <span>{k("F")} flag</span>
      {where === "grid" ? (
        <>
          <span>{k("Space")} select</span>
          <span>{k("Enter")} compare</span>
          <span>{k("Z")} compare at 100 %</span>
        </>
      ) : (
        <>
          <span>{k("Z")} zoom 100 % / fit</span>
          <span>{k("Esc")} back to the grid</span>
        </>
      )}
    </div>
  );
}
