import { useFetcher, useNavigate } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, InlineGrid, InlineStack, Modal, Page, Pagination, ProgressBar, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { ASSET_LABELS } from "../production/production-plan";
import { longDate, SHOT_LIST_STATUS_LABELS, SHOT_LIST_STATUSES, type ShotListStatus } from "../studio/shot-list";
import type { ShotListActionResult, ShotListDetailLine, ShotListPageData } from "../studio/shot-lists.server";
import { formatTime } from "./product-heading";
import { SHOT_LIST_TONE } from "./shot-list-index-page";

const FORWARD: Partial<Record<ShotListStatus, string>> = { draft: "Mark sent", sent: "Mark shooting", shooting: "Mark delivered" };
const BACK: Partial<Record<ShotListStatus, string>> = { sent: "Back to draft", shooting: "Back to sent", delivered: "Back to shooting" };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
const THUMB = { width: 48, height: 60, borderRadius: 6, background: "#f1f1f1", flexShrink: 0, objectFit: "cover" } as const;

/** One shot list: status actions, CSV and printable view, and its lines by studio day. */
export function ShotListDetailPage({ data }: { data: ShotListPageData }) {
  const { list } = data;
  const navigate = useNavigate();
  const action = useFetcher<ShotListActionResult>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const status = list.status;
  const index = SHOT_LIST_STATUSES.indexOf(status);
  const move = (to: ShotListStatus) => action.submit({ intent: "status", status: to }, { method: "post" });

  useEffect(() => {
    if (action.state === "idle" && action.data?.ok && action.data.deleted) navigate("/app/studio/shot-lists");
  }, [action.state, action.data, navigate]);

  const forward = FORWARD[status];
  const back = BACK[status];
  const progress = list.views === 0 ? 0 : Math.round((list.deliveredViews / list.views) * 100);
  const busy = action.state !== "idle";

  return (
    <Page
      backAction={{ content: "Shot lists", url: "/app/studio/shot-lists" }}
      title={`Shot list #${list.number}`}
      titleMetadata={<Badge tone={SHOT_LIST_TONE[status]}>{SHOT_LIST_STATUS_LABELS[status] ?? status}</Badge>}
      subtitle={`${list.firstDay ?? "—"} to ${list.lastDay ?? "—"} · ${plural(list.days.length, "studio day")} · ${plural(list.lines, "line")} · ${plural(list.images, "image")}`}
      primaryAction={forward ? { content: forward, onAction: () => move(SHOT_LIST_STATUSES[index + 1]), loading: busy } : undefined}
      secondaryActions={[
        ...(back ? [{ content: back, onAction: () => move(SHOT_LIST_STATUSES[index - 1]), disabled: busy }] : []),
        { content: "Download CSV", url: data.csvUrl, target: "_blank" as const },
        { content: "Printable view", url: data.printUrl, target: "_blank" as const },
        ...(status === "draft" ? [{ content: "Delete draft", destructive: true, onAction: () => setConfirmDelete(true), disabled: busy }] : []),
      ]}
    >
      <BlockStack gap="400">
        {action.data ? (
          <div role={action.data.ok ? "status" : "alert"}>
            <Banner tone={action.data.ok ? "success" : "critical"}>
              <Text as="p">{action.data.ok ? action.data.message : action.data.error}</Text>
            </Banner>
          </div>
        ) : null}
        <Card>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm">
                Delivered
              </Text>
              <ProgressBar progress={progress} size="small" tone={progress === 100 ? "success" : "primary"} />
              <Text as="p" variant="bodySm" tone="subdued">{`${list.deliveredViews} of ${list.views} views delivered`}</Text>
            </BlockStack>
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm">
                On time
              </Text>
              {list.lateLines > 0 ? <Badge tone="critical">{`${plural(list.lateLines, "line")} late for launch`}</Badge> : <Badge tone="success">Every line on time</Badge>}
            </BlockStack>
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm">
                History
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {[`Created ${formatTime(list.createdAt)} by ${list.createdBy}`, list.sentAt ? `sent ${formatTime(list.sentAt)}` : null, list.deliveredAt ? `delivered ${formatTime(list.deliveredAt)}` : null].filter(Boolean).join(" · ")}
              </Text>
            </BlockStack>
          </InlineGrid>
        </Card>
        {list.pageDays.map((day) => (
          <Card key={day.date} padding="0">
            <Box padding="300" borderBlockEndWidth="025" borderColor="border">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">{`Studio day ${day.dayNumber} · ${longDate(new Date(`${day.date}T00:00:00Z`))}`}</Text>
                <InlineStack gap="200">
                  <Badge>{`${plural(day.images, "image")}`}</Badge>
                  <Badge>{plural(day.lines, "line")}</Badge>
                  {day.late > 0 ? <Badge tone="critical">{`${day.late} late`}</Badge> : null}
                </InlineStack>
              </InlineStack>
            </Box>
            {day.items.map((line) => (
              <LineRow key={line.id} line={line} />
            ))}
          </Card>
        ))}
        {list.dayPageCount > 1 ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={list.dayPage > 1}
              hasNext={list.dayPage < list.dayPageCount}
              onPrevious={() => navigate(`?days=${list.dayPage - 1}`)}
              onNext={() => navigate(`?days=${list.dayPage + 1}`)}
              label={`Studio days ${list.pageDays[0]?.dayNumber ?? 1}–${list.pageDays[list.pageDays.length - 1]?.dayNumber ?? 1} of ${list.days.length}`}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={`Delete shot list #${list.number}?`}
        primaryAction={{
          content: "Delete draft",
          destructive: true,
          loading: busy,
          onAction: () => {
            setConfirmDelete(false);
            action.submit({ intent: "delete" }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: "Keep it", onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Text as="p">Its {plural(list.lines, "line")} can then go on a new shot list. The audit trail keeps a record of it.</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

function LineRow({ line }: { line: ShotListDetailLine }) {
  const delivered = new Set(line.deliveredViews);
  return (
    <Box padding="300" borderBlockEndWidth="025" borderColor="border">
      <InlineStack gap="400" wrap={false} blockAlign="start">
        {line.referenceUrl ? <img src={line.referenceUrl} alt="" width={THUMB.width} height={THUMB.height} loading="lazy" decoding="async" style={THUMB} /> : <div style={THUMB} aria-hidden />}
        <Box minWidth="0" width="100%">
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" variant="bodyMd" fontWeight="semibold">
                {line.sku ?? "no SKU"}
              </Text>
              <Text as="span" variant="bodyMd">
                {line.productTitle}
                {line.colourway ? ` · ${line.colourway}` : ""}
              </Text>
              {line.late ? <Badge tone="critical">Late</Badge> : null}
            </InlineStack>
            <InlineStack gap="100">
              {line.views.map((view) => (
                <Badge key={view} tone={delivered.has(view) ? "success" : undefined}>
                  {`${delivered.has(view) ? "✓ " : ""}${ASSET_LABELS[view] ?? view}`}
                </Badge>
              ))}
            </InlineStack>
            {line.stylingNotes ? (
              <Text as="p" variant="bodySm">
                Styling: {line.stylingNotes}
              </Text>
            ) : null}
            <Text as="p" variant="bodySm" tone="subdued">
              {[plural(line.images, "image"), line.dueDate ? `due ${line.dueDate}` : "no launch date", `${line.deliveredViews.length} of ${line.views.length} views delivered`, line.note].filter(Boolean).join(" · ")}
            </Text>
          </BlockStack>
        </Box>
      </InlineStack>
    </Box>
  );
}
