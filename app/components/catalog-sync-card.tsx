import { useFetcher, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import type { SyncStatus } from "../catalog/catalog-sync-requests.server";
import { revalidateQuietly } from "./use-live-revalidation";

type SyncResponse = { run: SyncStatus | null; ok?: boolean; error?: string };

const STATUS_TONE = { queued: "info", running: "attention", succeeded: "success", failed: "critical", cancelled: "warning" } as const;

export function syncPercent(run: SyncStatus | null): number {
  if (!run) return 0;
  if (run.status === "succeeded") return 100;
  if (!run.total) return run.active ? 2 : 0;
  return Math.min(100, Math.round((run.processed / run.total) * 100));
}

export function CatalogSyncCard({ initialRun }: { initialRun: SyncStatus | null }) {
  const poll = useFetcher<SyncResponse>();
  const start = useFetcher<SyncResponse>();
  const cancel = useFetcher<SyncResponse>();
  const revalidator = useRevalidator();
  const run = cancel.data?.run ?? start.data?.run ?? null;
  const latest = (poll.data?.run?.createdAt ?? "") >= (run?.createdAt ?? "") ? (poll.data?.run ?? run) : run;
  const current = latest ?? initialRun;
  const active = current?.active ?? false;
  const wasActive = useRef(active);

  // Poll while a sync is queued or running; refresh the list when it ends.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (poll.state === "idle") poll.load("/api/catalog-sync");
    }, 1000);
    return () => clearInterval(timer);
  }, [active, poll]);
  useEffect(() => {
    if (wasActive.current && !active) revalidateQuietly(revalidator);
    wasActive.current = active;
  }, [active, revalidator]);

  const percent = syncPercent(current);
  const startError = start.data && start.data.ok === false ? start.data.error : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Catalog sync
          </Text>
          {current ? <Badge tone={STATUS_TONE[current.status as keyof typeof STATUS_TONE]}>{current.status}</Badge> : null}
        </InlineStack>
        <Text as="p" tone="subdued">
          Pulls every product from the store into Shotlane's catalog.
        </Text>
        {current && (active || current.status === "succeeded") ? (
          <BlockStack gap="100">
            <ProgressBar animated={active} progress={percent} tone={current.status === "succeeded" ? "success" : "highlight"} size="small" ariaLabelledBy="sync-progress-label" />
            <Text as="p" id="sync-progress-label" variant="bodySm">
              {current.active && current.kind === "bulk" && current.processed === 0
                ? `Shopify is preparing the export of ${current.total ?? "…"} products…`
                : `${current.processed} of ${current.total ?? "…"} products (${percent}%)`}
            </Text>
          </BlockStack>
        ) : null}
        {current?.status === "failed" && current.error ? (
          <Text as="p" tone="critical">
            Last sync failed: {current.error}
          </Text>
        ) : null}
        {startError ? (
          <div role="alert">
            <Text as="p" tone="critical">
              {startError}
            </Text>
          </div>
        ) : null}
        <InlineStack gap="200">
          <start.Form method="post" action="/api/catalog-sync">
            <input type="hidden" name="intent" value="start" />
            <Button submit variant="primary" loading={start.state !== "idle"} disabled={active}>
              {active ? "Sync in progress" : "Sync catalog"}
            </Button>
          </start.Form>
          {active ? (
            <cancel.Form method="post" action="/api/catalog-sync">
              <input type="hidden" name="intent" value="cancel" />
              <Button submit tone="critical" loading={cancel.state !== "idle"}>
                Cancel sync
              </Button>
            </cancel.Form>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
