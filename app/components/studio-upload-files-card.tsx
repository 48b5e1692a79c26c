import { useFetcher, useNavigate } from "@remix-run/react";
import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import { ASSET_LABELS, type AssetKind } from "../production/production-plan";
import { ASSIGNABLE_STATUSES, DISCARDABLE_STATUSES, type StudioUploadStatus } from "../studio/studio-intake";
import type { StudioUploadView } from "../studio/studio-intake.server";
import type { StudioFileFilter, StudioUploadsPageData } from "../studio/studio-uploads.server";
import { formatBytes } from "../studio/upload-chunks";
import { FilteredPagesCard } from "./filtered-pages-card";
import { formatTime } from "./product-heading";
import { StudioUploadAssignModal } from "./studio-upload-assign-modal";
import { StudioFileStatusBadge } from "./studio-upload-status";

type ActionAnswer = { ok: true; upload: StudioUploadView } | { ok: false; errors: Record<string, string> };

function pageSearch(filter: StudioFileFilter, page: number): string {
  const params = new URLSearchParams();
  if (filter !== "all") params.set("status", filter);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `?${search}` : "";
}

/** Every studio file of the shop, newest first, by status: what it became, or why not, and what a person can do about it. */
export function StudioUploadFilesCard({ data }: { data: StudioUploadsPageData }) {
  const navigate = useNavigate();
  const [assigning, setAssigning] = useState<StudioUploadView | null>(null);
  const current = data.filters.find((f) => f.value === data.filter);
  return (
    <BlockStack gap="200">
      <Text as="h2" variant="headingMd">
        Studio files
      </Text>
      <FilteredPagesCard
        id="studio-files"
        filters={data.filters.map((f) => ({ value: f.value, label: f.count > 0 && f.value !== "all" ? `${f.label} (${f.count})` : f.label }))}
        filter={data.filter}
        page={data.page}
        pageCount={data.pageCount}
        totalLabel={`${data.total} ${data.total === 1 ? "file" : "files"}`}
        emptyText={data.filter === "all" ? "No studio files yet: drop some above, or set a watched folder in Settings → Studio." : `No ${current?.label.toLowerCase() ?? ""} files.`}
        go={(filter, page) => navigate(`/app/studio/uploads${pageSearch(filter, page)}`, { preventScrollReset: true })}
      >
        {data.uploads.map((upload) => (
          <FileRow key={upload.id} upload={upload} onAssign={() => setAssigning(upload)} />
        ))}
      </FilteredPagesCard>
      <StudioUploadAssignModal upload={assigning} onClose={() => setAssigning(null)} />
    </BlockStack>
  );
}

function FileRow({ upload, onAssign }: { upload: StudioUploadView; onAssign: () => void }) {
  const discard = useFetcher<ActionAnswer>();
  const answer = discard.state === "idle" ? discard.data : undefined;
  const status = upload.status as StudioUploadStatus;
  const canAssign = ASSIGNABLE_STATUSES.includes(status) && upload.assignable !== false;
  const canDiscard = DISCARDABLE_STATUSES.includes(status);
  const matched = [upload.productTitle, upload.colour, upload.assetKind ? (ASSET_LABELS[upload.assetKind as AssetKind] ?? upload.assetKind) : null].filter(Boolean).join(" · ");
  const detail = [
    upload.status === "uploading" ? `${formatBytes(upload.receivedBytes)} of ${formatBytes(upload.size)} received` : formatBytes(upload.size),
    upload.channel === "watch" ? "from the watched folder" : "uploaded",
    formatTime(upload.createdAt),
  ].join(" · ");

  return (
    <Box padding="400" borderBlockStartWidth="025" borderColor="border">
      <div data-upload-id={upload.id} data-file-name={upload.fileName} data-status={upload.status} style={{ display: "grid", gridTemplateColumns: "minmax(0, 2fr) minmax(0, 2.4fr) auto", gap: 16, alignItems: "start" }}>
        <BlockStack gap="050">
          <Text as="h3" variant="bodyMd" fontWeight="semibold" truncate>
            {upload.fileName}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {detail}
          </Text>
        </BlockStack>
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <StudioFileStatusBadge status={upload.status} />
            {matched ? (
              <Text as="span" variant="bodySm">
                {upload.matchedBy === "hand" ? `${matched} (assigned by hand)` : matched}
              </Text>
            ) : null}
          </InlineStack>
          {upload.reason && upload.status !== "ingested" ? (
            <Text as="p" variant="bodySm" tone={upload.status === "discarded" ? "subdued" : "critical"}>
              {upload.reason}
            </Text>
          ) : null}
          {upload.suggestions.length > 0 && upload.status !== "ingested" ? (
            <Text as="p" variant="bodySm" tone="subdued">
              {`Known SKUs close to it: ${upload.suggestions.join(", ")}`}
            </Text>
          ) : null}
          {upload.candidates.length > 0 && upload.status !== "ingested" ? (
            <Text as="p" variant="bodySm" tone="subdued">
              {`Could be: ${upload.candidates.map((c) => c.title).join(", ")}`}
            </Text>
          ) : null}
          {answer && !answer.ok ? (
            <div role="alert">
              <Text as="p" variant="bodySm" tone="critical">
                {Object.values(answer.errors).join("; ")}
              </Text>
            </div>
          ) : null}
        </BlockStack>
        <InlineStack gap="200" wrap={false} align="end">
          {upload.status === "ingested" && upload.assetId ? (
            <Button url={`/app/review/${upload.assetId}`} accessibilityLabel={`Open ${upload.fileName} in Review`}>
              Open in Review
            </Button>
          ) : null}
          {canAssign ? (
            <Button variant="primary" onClick={onAssign} accessibilityLabel={`Assign ${upload.fileName}`}>
              Assign
            </Button>
          ) : null}
          {canDiscard ? (
            <Button
              tone="critical"
              variant="plain"
              loading={discard.state !== "idle"}
              onClick={() => discard.submit({ intent: "discard" }, { method: "post", action: `/api/studio/uploads/${upload.id}/assign` })}
              accessibilityLabel={`Discard ${upload.fileName}`}
            >
              Discard
            </Button>
          ) : null}
        </InlineStack>
      </div>
    </Box>
  );
}
