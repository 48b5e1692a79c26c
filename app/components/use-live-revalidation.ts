import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Re-runs the page's loaders every `intervalMs` while `live` is true and the
 * tab is visible: a hidden tab costs the server nothing, and coming back
 * refreshes at once.
 */
export function useLiveRevalidation(live: boolean, intervalMs = 2000): void {
  const revalidator = useRevalidator();
  // The interval reads the latest revalidator without being re-created on every render.
  const latest = useRef(revalidator);
  latest.current = revalidator;

  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const tick = () => {
      if (latest.current.state === "idle") latest.current.revalidate();
    };
    const start = () => {
      if (timer === undefined) timer = setInterval(tick, intervalMs);
    };
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") {
        tick();
        start();
      } else stop();
    };
    if (document.visibilityState === "visible") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [live, intervalMs]);
}
