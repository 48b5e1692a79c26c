import { Badge } from "@shopify/polaris";

type Tone = "info" | "attention" | "warning" | "success" | "critical" | undefined;

/** Every StudioUpload.status as the merchant reads it. */
export const STUDIO_FILE_STATUS: Record<string, { label: string; tone: Tone }> = {
  uploading: { label: "Uploading", tone: "attention" },
  ingested: { label: "Ingested", tone: "success" },
  unmatched: { label: "Unmatched", tone: "warning" },
  ambiguous: { label: "Ambiguous", tone: "warning" },
  duplicate: { label: "Duplicate", tone: "warning" },
  rejected: { label: "Rejected", tone: "critical" },
  failed: { label: "Failed", tone: "critical" },
  discarded: { label: "Discarded", tone: undefined },
};

/** A studio file's status badge. */
export function StudioFileStatusBadge({ status }: { status: string }) {
  const known = STUDIO_FILE_STATUS[status];
  return <Badge tone={known?.tone}>{known?.label ?? status}</Badge>;
}
