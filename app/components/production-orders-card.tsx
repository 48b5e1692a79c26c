import { useFetcher, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Collapsible, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { FilteredPagesCard } from "./filtered-pages-card";
import { formatTime, ProductHeading } from "./product-heading";
import { useState } from "react";
import { DEMO_PROVIDER_LABEL, describeCandidateCounts, productionPageSearch, STATUS_FILTERS, type ProductionActionResult, type StatusFilter } from "../production/production-page";
import type { ProductionAssetRow, ProductionOrderRow, ProductionPageData, ProductionThumbnail } from "../production/production-page.server";
import { REVIEW_STATUS_LABELS } from "../review/review-decision";

type BadgeTone = "info" | "attention" | "warning" | "success" | "critical" | "new" | undefined;

const ORDER_TONE: Record<string, BadgeTone> = { queued: "info", running: "attention", paused: "warning", completed: "success", partial: "warning", failed: "critical", canceled: undefined };
const REQUEST_TONE: Record<string, BadgeTone> = { queued: "info", running: "attention", paused: "warning", succeeded: "success", failed: "critical", canceled: undefined, "waiting-studio": "new" };
const REQUEST_STATUS_LABEL: Record<string, string> = { "waiting-studio": "waiting for the studio" };
const SOURCE_LABEL: Record<string, string> = { manual: "sent by hand", bulk: "bulk send", auto: "sent automatically" };
const FILTER_LABEL: Record<StatusFilter, string> = { all: "All", active: "Active", finished: "Finished", failed: "Failed" };


interface Props {
  data: Pick<ProductionPageData, "orders" | "query" | "total" | "pageCount">;
}

/** The orders, newest first, with a status filter and pages of 25. */
export function ProductionOrdersCard({ data }: Props) {
  const navigate = useNavigate();
  const { query } = data;
  const go = (status: StatusFilter, page: number) => navigate(`/app/production${productionPageSearch({ status, page })}`, { preventScrollReset: true });
  return (
    <FilteredPagesCard
      id="production-orders"
      filters={STATUS_FILTERS.map((value) => ({ value, label: FILTER_LABEL[value] }))}
      filter={query.status}
      page={query.page}
      pageCount={data.pageCount}
      totalLabel={`${data.total} order${data.total === 1 ? "" : "s"}`}
      emptyText={`No ${query.status === "all" ? "" : `${FILTER_LABEL[query.status].toLowerCase()} `}orders.`}
      go={go}
    >
      {data.orders.map((order) => (
        <OrderRow key={order.id} order={order} />
      ))}
    </FilteredPagesCard>
  );
}

function OrderRow({ order }: { order: ProductionOrderRow }) {
  const [open, setOpen] = useState(false);
  const act = useFetcher<ProductionActionResult>();
  const busy = act.state !== "idle";
  const { progress } = order;
  const detailsId = `order-${order.id}-assets`;
  return (
    <Box padding="400" borderBlockStartWidth="025" borderColor="border">
      <BlockStack gap="300">
        {/* Each row is its own grid: fixed outer columns keep the rows lined up. */}
        <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 2.6fr) minmax(160px, 1.3fr) 100px 90px 210px", gap: 16, alignItems: "center" }} data-order-id={order.id}>
          <ProductHeading imageUrl={order.featuredImageUrl} title={order.productTitle} detail={`${formatTime(order.createdAt)} · ${SOURCE_LABEL[order.source] ?? order.source} · ${order.requestedBy}`}
            badge={order.demo ? <Badge tone="info">{DEMO_PROVIDER_LABEL}</Badge> : null}
          />
          <BlockStack gap="100">
            <ProgressBar
              progress={progress.percent}
              size="small"
              tone={order.status === "failed" ? "critical" : progress.done === progress.total ? "success" : "highlight"}
              ariaLabelledBy={`order-${order.id}-progress`}
            />
            <Text as="p" variant="bodySm" id={`order-${order.id}-progress`}>
              {progress.total === 0 ? "No AI candidates" : `${progress.done} of ${progress.total} candidates done`}
            </Text>
          </BlockStack>
          <InlineStack>
            <Badge tone={ORDER_TONE[order.status]}>{order.status}</Badge>
          </InlineStack>
          <BlockStack gap="050" inlineAlign="end">
            <Text as="p" numeric>
              {order.cost}
            </Text>
            {order.wastedMicros > 0 ? (
              <Text as="p" variant="bodySm" tone="critical" numeric>
                {order.wasted} wasted
              </Text>
            ) : null}
          </BlockStack>
          <InlineStack gap="200" wrap={false} align="end">
            {order.canCancel ? (
              <Button tone="critical" variant="secondary" loading={busy} onClick={() => act.submit({ intent: "cancel", orderId: order.id }, { method: "post", action: "/app/production" })}>
                Cancel
              </Button>
            ) : null}
            {order.canRetry ? (
              <Button loading={busy} onClick={() => act.submit({ intent: "retry", orderId: order.id }, { method: "post", action: "/app/production" })}>
                Retry
              </Button>
            ) : null}
            <Button variant="plain" disclosure={open ? "up" : "down"} onClick={() => setOpen(!open)} ariaExpanded={open} ariaControls={detailsId}>
              {open ? "Hide assets" : `Assets (${order.assets.length})`}
            </Button>
          </InlineStack>
        </div>
        {order.error ? (
          <Text as="p" tone="critical" variant="bodySm">
            {order.error}
          </Text>
        ) : null}
        {act.data ? (
          <div role={act.data.ok ? "status" : "alert"}>
            <Text as="p" variant="bodySm" tone={act.data.ok ? "success" : "critical"}>
              {act.data.ok ? act.data.message : act.data.error}
            </Text>
          </div>
        ) : null}
        <Collapsible id={detailsId} open={open} transition={{ duration: "150ms", timingFunction: "ease-in-out" }}>
          <Box background="bg-surface-secondary" borderRadius="200" padding="300">
            <BlockStack gap="300">
              {order.assets.map((asset) => (
                <AssetRow key={asset.id} asset={asset} />
              ))}
            </BlockStack>
          </Box>
        </Collapsible>
      </BlockStack>
    </Box>
  );
}

/** Who makes the asset: the studio, the local demo provider (never called AI), or a named AI provider. */
function MakerBadge({ asset }: { asset: ProductionAssetRow }) {
  if (asset.source === "studio") return <Badge>Studio</Badge>;
  if (asset.demo) return <Badge tone="info">{DEMO_PROVIDER_LABEL}</Badge>;
  return <Badge tone="magic">{`AI · ${asset.providers.join(", ") || "no provider"}`}</Badge>;
}

function AssetRow({ asset }: { asset: ProductionAssetRow }) {
  const counts = describeCandidateCounts(asset.counts);
  const errors = [...new Set([asset.error, ...asset.candidateErrors].filter((e): e is string => Boolean(e)))];
  return (
    <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 1.4fr) minmax(0, 2fr)", gap: 16, alignItems: "start" }} data-asset={asset.asset}>
      <BlockStack gap="100">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h4" variant="bodyMd" fontWeight="semibold">
            {asset.label}
          </Text>
          <Badge tone={REQUEST_TONE[asset.status]}>{REQUEST_STATUS_LABEL[asset.status] ?? asset.status}</Badge>
        </InlineStack>
        <InlineStack>
          <MakerBadge asset={asset} />
        </InlineStack>
        {asset.source === "studio" && asset.candidates === 0 ? (
          <Text as="p" variant="bodySm" tone="subdued">
            The studio lane makes this asset.
          </Text>
        ) : (
          <Text as="p" variant="bodySm" tone="subdued">
            {asset.candidates} {asset.source === "studio" ? "studio file" : "candidate"}
            {asset.candidates === 1 ? "" : "s"}
            {counts ? `: ${counts}` : ""}
          </Text>
        )}
        {errors.map((error) => (
          <Text key={error} as="p" variant="bodySm" tone="critical">
            {error}
          </Text>
        ))}
      </BlockStack>
      <InlineStack gap="200" wrap>
        {asset.thumbnails.map((thumb) =>
          thumb.videoUrl ? (
            <a key={thumb.url} href={thumb.videoUrl} target="_blank" rel="noreferrer" style={{ position: "relative", display: "block" }} title="Open the video">
              <img src={thumb.url} alt={`${asset.label} video poster`} height={96} style={{ height: 96, width: "auto", borderRadius: 6, display: "block", background: "#e3e3e3" }} />
              <span style={{ position: "absolute", left: 6, bottom: 6, background: "rgba(0,0,0,.65)", color: "#fff", borderRadius: 4, padding: "0 6px", fontSize: 12 }}>
                ▶ {thumb.durationSeconds ? `${Math.round(thumb.durationSeconds)} s` : "video"}
              </span>
            </a>
          ) : (
            <ImageCandidate key={thumb.url} thumb={thumb} label={asset.label} />
          ),
        )}
      </InlineStack>
    </div>
  );
}

const QC_LABEL: Record<string, string> = { pass: "passed", flag: "flagged", reject: "rejected" };
const REVIEW_LABEL: Record<string, string> = REVIEW_STATUS_LABELS;

const POST_LABEL: Record<string, string> = { queued: "post-production queued", processing: "post-production running", failed: "post-production failed" };

/** One image candidate: its smallest rendition once post-production is done, with every channel file listed. */
function ImageCandidate({ thumb, label }: { thumb: ProductionThumbnail; label: string }) {
  const renditions = thumb.renditions ?? [];
  const state = thumb.postStatus ? POST_LABEL[thumb.postStatus] : undefined;
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 4, maxWidth: 160 }} data-post-status={thumb.postStatus ?? ""}>
      <img src={thumb.url} alt={`${label} candidate`} height={96} loading="lazy" style={{ height: 96, width: "auto", borderRadius: 6, display: "block", background: "#e3e3e3", objectFit: "contain" }} />
      {state ? (
        <Text as="span" variant="bodySm" tone={thumb.postStatus === "failed" ? "critical" : "subdued"}>
          {state}
        </Text>
      ) : null}
      {thumb.qc ? (
        <a href={thumb.qc.href} style={{ fontSize: 12 }} data-qc-verdict={thumb.qc.verdict ?? ""}>
          {`QC ${QC_LABEL[thumb.qc.verdict ?? ""] ?? "not run"} · ${REVIEW_LABEL[thumb.qc.reviewStatus ?? ""] ?? "not in review"}`}
        </a>
      ) : null}
      {renditions.length ? (
        <details>
          <summary style={{ cursor: "pointer", fontSize: 12 }}>{`${renditions.length} rendition${renditions.length === 1 ? "" : "s"}`}</summary>
          <ul style={{ margin: 0, paddingLeft: 16, fontSize: 12 }}>
            {renditions.map((r) => (
              <li key={r.channel}>
                <a href={r.url} target="_blank" rel="noreferrer" title={`${r.channel}: ${r.width}×${r.height}, ${Math.max(1, Math.round(r.bytes / 1024))} KB`}>
                  {r.fileName}
                </a>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
