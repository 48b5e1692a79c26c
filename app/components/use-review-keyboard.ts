import { useEffect, useRef } from "react";
import { reviewKeyOf, type ReviewKey } from "../review/review-grid";

const NOT_TYPING_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "image", "range", "color", "file"]);

/** True when keys typed at this element are text (an input, a text area, a select, an editable region): shortcuts stay out of the way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== "string") return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NOT_TYPING_INPUTS.has((element as HTMLInputElement).type);
  return false;
}

export type ReviewKeyHandlers = Partial<Record<ReviewKey, (event: KeyboardEvent) => void>>;

/**
 * The review shortcuts (J/K, arrows, A, R, F, Z, Enter, Space, Escape) on the
 * document while `enabled`: not while typing, never with Ctrl/⌘/Alt, and only
 * the keys that have a handler are taken from the browser. Handlers are read
 * at key time, so callers need not memoise them.
 */
export function useReviewKeyboard(enabled: boolean, handlers: ReviewKeyHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || isTypingTarget(event.target)) return;
      const key = reviewKeyOf(event);
      const handler = key ? latest.current[key] : undefined;
      if (!handler) return;
      // Shift+letter is the same shortcut; Shift+Enter or Shift+Space are not ours.
      if (event.shiftKey && (key === "open" || key === "select")) return;
      event.preventDefault();
      handler(event);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
