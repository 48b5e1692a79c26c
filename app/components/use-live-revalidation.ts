import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Re-runs the page's loaders. A revalidation cut short by a navigation or a
 * form submission rejects with an AbortError: that is no error (the newer load
 * wins), but left unhandled it is reported as one. Anything else still surfaces.
 */
export function revalidateQuietly(revalidator: { revalidate(): unknown }): void {
  void Promise.resolve(revalidator.revalidate()).catch((error: unknown) => {
    if (!(error instanceof Error && error.name === "AbortError")) throw error;
  });
}

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
      if (latest.current.state === "idle") revalidateQuietly(latest.current);
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
