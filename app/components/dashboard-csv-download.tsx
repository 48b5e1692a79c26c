import { Button } from "@shopify/polaris";
import { useState } from "react";
import { saveResponseAsFile } from "../lib/save-response";

/**
 * Downloads a CSV resource route. The embedded admin attaches the session
 * token to fetch() (App Bridge), not to a plain link, so the file is fetched
 * and handed to the browser as a blob; errors (a bad range) are shown, not saved.
 */
export function DashboardCsvDownload({ href, label, onError }: { href: string; label: string; onError: (message: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    onError(null);
    try {
      const response = await fetch(href);
      if (!response.ok) throw new Error((await response.text()).trim() || `The export failed (HTTP ${response.status}).`);
      await saveResponseAsFile(response, "shotlane-export.csv");
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={download} loading={busy}>
      {label}
    </Button>
  );
}
