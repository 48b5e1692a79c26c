import { Banner, Text } from "@shopify/polaris";
import { useEffect } from "react";

export interface ReviewNotice {
  /** Changes with every notice, so the same message twice still shows (and restarts its timer). */
  id: number;
  tone: "success" | "warning" | "critical";
  title: string;
  lines: string[];
}

const SUCCESS_MS = 6000;

/**
 * What the last decision changed, floating over the page's bottom edge (so it
 * never pushes the grid): successes fade after a few seconds, problems stay
 * until dismissed. Announced politely, errors assertively.
 */
export function ReviewToast({ notice, onDismiss }: { notice: ReviewNotice | null; onDismiss: () => void }) {
  useEffect(() => {
    if (!notice || notice.tone !== "success") return;
    const timer = setTimeout(onDismiss, SUCCESS_MS);
    return () => clearTimeout(timer);
  }, [notice, onDismiss]);
  return (
    <div className="review-toast" aria-live={notice?.tone === "critical" ? "assertive" : "polite"} role={notice?.tone === "critical" ? "alert" : "status"}>
      {notice ? (
        <Banner tone={notice.tone} title={notice.title} onDismiss={onDismiss}>
          {notice.lines.length ? (
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {notice.lines.map((line) => (
                <li key={line}>
                  <Text as="span">{line}</Text>
                </li>
              ))}
            </ul>
          ) : null}
        </Banner>
      ) : null}
    </div>
  );
}
