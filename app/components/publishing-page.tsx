import { useFetcher, useNavigate } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Layout, Modal, Page, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { describeCandidateError } from "../production/production-page";
import { altViewWords } from "../publishing/alt-text";
import type { PublishingActionResult, PublishingPageData, PublishingPageQuery, PublishingProductRow, StatusCounts, StatusFilter } from "../publishing/publishing-page.server";
import { FilteredPagesCard } from "./filtered-pages-card";
import { formatTime, ProductHeading } from "./product-heading";
import { useLiveRevalidation } from "./use-live-revalidation";

type BadgeTone = "info" | "attention" | "warning" | "success" | "critical" | "new" | undefined;

/** Every Publication.status, in life-cycle order, as the merchant reads it. */
const STATUS_LABELS: [status: string, label: string, tone: BadgeTone][] = [
  ["queued", "queued", "info"],
  ["staged", "uploading", "attention"],
  ["uploaded", "uploaded", "attention"],
  ["attaching", "attaching", "attention"],
  ["processing", "processing in Shopify", "attention"],
  ["placing", "placing", "attention"],
  ["ready", "ready", "success"],
  ["failed", "failed", "critical"],
  ["canceled", "canceled", undefined],
  ["reverted", "reverted", undefined],
  ["replaced", "replaced by newer media", undefined],
];

const FILTERS: [filter: StatusFilter, label: string][] = [
  ["all", "All"],
  ["in-progress", "In progress"],
  ["failed", "Failed"],
  ["ready", "Ready"],
];


function pageSearch(query: PublishingPageQuery): string {
  const params = new URLSearchParams();
  if (query.status !== "all") params.set("status", query.status);
  if (query.page > 1) params.set("page", String(query.page));
  const search = params.toString();
  return search ? `?${search}` : "";
}

function StatusBadges({ counts }: { counts: StatusCounts }) {
  const shown = STATUS_LABELS.filter(([status]) => counts[status]);
  const unknown = Object.keys(counts).filter((status) => !STATUS_LABELS.some(([known]) => known === status));
  return (
    <InlineStack gap="100">
      {shown.map(([status, label, tone]) => (
        <Badge key={status} tone={tone}>{`${counts[status]} ${label}`}</Badge>
      ))}
      {unknown.map((status) => (
        <Badge key={status}>{`${counts[status]} ${status}`}</Badge>
      ))}
    </InlineStack>
  );
}

function ActionMessage({ result }: { result: PublishingActionResult | undefined }) {
  if (!result) return null;
  return (
    <div role={result.ok ? "status" : "alert"}>
      <BlockStack gap="050">
        <Text as="p" variant="bodySm" tone={result.ok ? "success" : "critical"}>
          {result.ok ? result.message : result.error}
        </Text>
        {result.ok && result.warning ? (
          <Text as="p" variant="bodySm" tone="caution">
            {result.warning}
          </Text>
        ) : null}
      </BlockStack>
    </div>
  );
}

/** The Publishing page: overall progress, then a page of products with their publications; polls while anything moves. */
export function PublishingPage({ data }: { data: PublishingPageData }) {
  useLiveRevalidation(data.live);
  const shopAction = useFetcher<PublishingActionResult>();
  const { summary } = data;
  const busy = shopAction.state !== "idle";
  const submit = (fields: Record<string, string>) => shopAction.submit(fields, { method: "post", action: "/app/publishing" });
  const result = shopAction.state === "idle" ? shopAction.data : undefined;

  return (
    <Page
      title="Publishing"
      subtitle="Approved images and videos on their way to your products, with Shopify's answer for each."
      backAction={{ content: "Catalog", url: "/app/catalog" }}
      primaryAction={{
        content: summary.approvedUnpublished > 0 ? `Publish approved (${summary.approvedUnpublished})` : "Publish approved",
        disabled: summary.approvedUnpublished === 0,
        loading: busy && shopAction.formData?.get("intent") === "publish-approved",
        onAction: () => submit({ intent: "publish-approved" }),
      }}
      secondaryActions={
        summary.progress.failed > 0
          ? [{ content: `Retry all failed (${summary.progress.failed})`, loading: busy && shopAction.formData?.get("intent") === "retry", onAction: () => submit({ intent: "retry" }) }]
          : []
      }
    >
      <Layout>
        {result ? (
          <Layout.Section>
            <Banner tone={!result.ok ? "critical" : result.warning ? "warning" : "success"}>
              <Text as="p">{result.ok ? result.message : result.error}</Text>
              {result.ok && result.warning ? <Text as="p">{result.warning}</Text> : null}
            </Banner>
          </Layout.Section>
        ) : null}
        {data.empty ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Nothing published yet
                </Text>
                <Text as="p">
                  Media goes onto its product once it is approved in Review (or signed off, with brand sign-off on). With “Publish automatically once approved” off in Settings, it waits
                  here: choose <strong>Publish approved</strong>.
                </Text>
                <InlineStack gap="200">
                  <Button url="/app/review" variant="primary">
                    Open Review
                  </Button>
                  <Button url="/app/settings">Publishing settings</Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <SummaryCard summary={summary} />
            </Layout.Section>
            <Layout.Section>
              <ProductsCard data={data} />
            </Layout.Section>
          </>
        )}
      </Layout>
    </Page>
  );
}

function SummaryCard({ summary }: { summary: PublishingPageData["summary"] }) {
  const { progress } = summary;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Overall
        </Text>
        <BlockStack gap="100">
          <ProgressBar progress={progress.percent} animated={progress.inProgress > 0} tone={progress.failed > 0 ? "critical" : progress.ready === progress.total ? "success" : "highlight"} ariaLabelledBy="publishing-overall" />
          <Text as="p" id="publishing-overall">
            {`${progress.ready} of ${progress.total} media on their products`}
            {progress.inProgress > 0 ? ` · ${progress.inProgress} on the way` : ""}
            {progress.failed > 0 ? ` · ${progress.failed} failed` : ""}
            {summary.reverting > 0 ? ` · ${summary.reverting} ${summary.reverting === 1 ? "product" : "products"} reverting` : ""}
          </Text>
        </BlockStack>
        <StatusBadges counts={summary.counts} />
        {summary.approvedUnpublished > 0 ? (
          <Text as="p" tone="subdued">
            {`${summary.approvedUnpublished} approved ${summary.approvedUnpublished === 1 ? "asset is" : "assets are"} not published yet: choose Publish approved.`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function ProductsCard({ data }: { data: PublishingPageData }) {
  const navigate = useNavigate();
  const { query } = data;
  const go = (status: StatusFilter, page: number) => navigate(`/app/publishing${pageSearch({ status, page })}`, { preventScrollReset: true });
  const label = FILTERS.find(([filter]) => filter === query.status)?.[1] ?? "";
  return (
    <FilteredPagesCard
      id="publishing-products"
      filters={FILTERS.map(([value, filterLabel]) => ({ value, label: filterLabel }))}
      filter={query.status}
      page={query.page}
      pageCount={data.pageCount}
      totalLabel={`${data.total} ${data.total === 1 ? "product" : "products"}`}
      emptyText={query.status === "all" ? "No products have media on the way." : `No products with ${label.toLowerCase()} media.`}
      go={go}
    >
      {data.products.map((product) => (
        <ProductRow key={product.productId} product={product} />
      ))}
    </FilteredPagesCard>
  );
}

function ProductRow({ product }: { product: PublishingProductRow }) {
  const act = useFetcher<PublishingActionResult>();
  const [confirming, setConfirming] = useState(false);
  const busy = act.state !== "idle";
  const result = act.state === "idle" ? act.data : undefined;
  const { progress, revert } = product;
  const progressId = `publishing-${product.productId.split("/").pop()}-progress`;
  const submit = (intent: "retry" | "revert") => act.submit({ intent, productId: product.productId }, { method: "post", action: "/app/publishing" });
  const failedCount = product.counts.failed ?? 0;
  const canRevert = (revert.state === "available" || revert.state === "failed") && progress.inProgress === 0;

  // The modal closes once the request is answered; the answer shows on the row.
  useEffect(() => {
    if (result) setConfirming(false);
  }, [result]);

  return (
    <Box padding="400" borderBlockStartWidth="025" borderColor="border">
      <BlockStack gap="300">
        <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 2.4fr) minmax(180px, 1.4fr) minmax(0, 1.2fr) 220px", gap: 16, alignItems: "center" }} data-product-id={product.productId}>
          <ProductHeading imageUrl={product.featuredImageUrl} title={product.title} detail={product.lastPublishedAt ? `Last published ${formatTime(product.lastPublishedAt)}` : "Nothing on the product yet"} />
          <BlockStack gap="100">
            <ProgressBar progress={progress.percent} animated={progress.inProgress > 0} size="small" tone={failedCount > 0 ? "critical" : progress.ready === progress.total ? "success" : "highlight"} ariaLabelledBy={progressId} />
            <Text as="p" variant="bodySm" id={progressId}>
              {`${progress.ready} of ${progress.total} ready`}
            </Text>
          </BlockStack>
          <StatusBadges counts={product.counts} />
          <InlineStack gap="200" wrap={false} align="end" blockAlign="center">
            {revert.state === "reverting" ? <Badge tone="attention">Reverting…</Badge> : null}
            {failedCount > 0 ? (
              <Button loading={busy && act.formData?.get("intent") === "retry"} onClick={() => submit("retry")} accessibilityLabel={`Retry failed media of ${product.title}`}>
                Retry failed
              </Button>
            ) : null}
            {revert.state === "available" || revert.state === "failed" ? (
              <Button tone="critical" variant="secondary" disabled={!canRevert} onClick={() => setConfirming(true)} accessibilityLabel={`Revert ${product.title}`}>
                Revert
              </Button>
            ) : null}
          </InlineStack>
        </div>
        {revert.state === "failed" ? (
          <Text as="p" variant="bodySm" tone="critical">
            {`The last revert did not finish: ${revert.error}`}
          </Text>
        ) : null}
        {(revert.state === "available" || revert.state === "failed") && progress.inProgress > 0 ? (
          <Text as="p" variant="bodySm" tone="subdued">
            Revert is possible once the media on the way are done.
          </Text>
        ) : null}
        {product.failed.length > 0 ? (
          <Box background="bg-surface-secondary" borderRadius="200" padding="300">
            <BlockStack gap="150">
              {product.failed.map((failed) => (
                <BlockStack key={failed.id} gap="050">
                  <Text as="p" variant="bodySm" fontWeight="medium">
                    {`${altViewWords(failed.view, failed.kind === "video" ? "video" : "image") || "Image"}${failed.colour ? `, ${failed.colour}` : ""} · ${failed.fileName}`}
                  </Text>
                  <Text as="p" variant="bodySm" tone="critical">
                    {describeCandidateError(failed.errorCode, failed.error) ?? "Shopify gave no reason"}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {`Failed ${formatTime(failed.failedAt)}${failed.attempts > 0 ? ` after ${failed.attempts} ${failed.attempts === 1 ? "attempt" : "attempts"}` : ""}`}
                  </Text>
                </BlockStack>
              ))}
              {product.moreFailed > 0 ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  {`and ${product.moreFailed} more failed`}
                </Text>
              ) : null}
            </BlockStack>
          </Box>
        ) : null}
        <ActionMessage result={result} />
      </BlockStack>
      {revert.state === "available" || revert.state === "failed" ? (
        <Modal
          open={confirming}
          onClose={() => setConfirming(false)}
          title={`Revert ${product.title}?`}
          primaryAction={{ content: "Revert", destructive: true, loading: busy, onAction: () => submit("revert") }}
          secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              <Text as="p">
                {`This restores the product's media set and order from before Shotlane's last change to it (as they were on ${formatTime(revert.snapshotAt)}): media Shotlane added then is taken off the product, and media it took off or moved is put back, with the variants' images.`}
              </Text>
              <Text as="p" tone="subdued">
                The assets stay approved in Review. Each Revert goes one change further back; it runs in the background and is recorded in the audit trail.
              </Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      ) : null}
    </Box>
  );
}
