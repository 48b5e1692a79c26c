import { Link, useFetcher, useNavigate } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, InlineStack, Page, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { SHOT_LIST_STATUS_LABELS } from "../studio/shot-list";
import type { ShotListFilter, ShotListPreview, ShotListsActionResult, ShotListsPageData, ShotListSummary } from "../studio/shot-lists.server";
import { FilteredPagesCard } from "./filtered-pages-card";
import { formatTime } from "./product-heading";

export const SHOT_LIST_TONE: Record<string, "info" | "attention" | "success" | undefined> = { draft: undefined, sent: "info", shooting: "attention", delivered: "success" };

/** Days listed in a preview; the rest are summed up in one line. */
const PREVIEW_DAYS_SHOWN = 30;

const FILTERS: { value: ShotListFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "draft", label: "Draft" },
  { value: "sent", label: "Sent" },
  { value: "shooting", label: "Shooting" },
  { value: "delivered", label: "Delivered" },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** The shot lists page: a new list from a start date (preview first, then create) and the shop's lists with their progress. */
export function ShotListIndexPage({ data }: { data: ShotListsPageData }) {
  const navigate = useNavigate();
  const preview = useFetcher<ShotListsActionResult>();
  const create = useFetcher<ShotListsActionResult>();
  const [startDate, setStartDate] = useState(data.suggestedStartDate);
  const previewed = preview.data?.intent === "preview" ? preview.data : undefined;
  const created = create.data?.intent === "create" ? create.data : undefined;

  // A created list opens at once; navigating on the client works the same in the admin and in the demo.
  useEffect(() => {
    if (create.state === "idle" && created?.ok) navigate(`/app/studio/shot-lists/${created.id}`);
  }, [create.state, created, navigate]);

  const runPreview = () => preview.submit({ intent: "preview", startDate }, { method: "post" });
  const errors = previewed && !previewed.ok ? previewed.errors : created && !created.ok ? created.errors : {};
  const go = (status: ShotListFilter, page: number) => {
    const params = new URLSearchParams();
    if (status !== "all") params.set("status", status);
    if (page > 1) params.set("page", String(page));
    navigate(`/app/studio/shot-lists${params.size ? `?${params}` : ""}`, { preventScrollReset: true });
  };

  return (
    <Page
      title="Shot lists"
      subtitle={`Studio capacity ${data.imagesPerDay.toLocaleString("en")} images a day · lead time ${plural(data.leadDays, "day")} before launch`}
      secondaryActions={[
        { content: "Studio capacity", url: "/app/studio" },
        { content: "Settings → Studio", url: "/app/settings" },
      ]}
    >
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              New shot list
            </Text>
            <Text as="p" tone="subdued">
              Product colourways whose production plan still needs studio assets, earliest launch and highest priority first, split into studio days by your capacity. Colourways already on an open list are left out. Capacity, workdays and lead time are in <Link to="/app/settings">Settings → Studio</Link>.
            </Text>
            <InlineStack gap="300" blockAlign="end">
              <Box minWidth="220px">
                <TextField label="First studio day" type="date" value={startDate} onChange={setStartDate} autoComplete="off" error={errors.startDate} />
              </Box>
              <Button onClick={runPreview} loading={preview.state !== "idle"}>
                Preview
              </Button>
            </InlineStack>
            {Object.entries(errors)
              .filter(([field]) => field !== "startDate")
              .map(([field, message]) => (
                <Banner key={field} tone="critical">
                  <Text as="p">{message}</Text>
                </Banner>
              ))}
            {previewed?.ok ? <PreviewCard preview={previewed.preview} creating={create.state !== "idle"} onCreate={() => create.submit({ intent: "create", startDate: previewed.preview.startDate }, { method: "post" })} /> : null}
          </BlockStack>
        </Card>
        <FilteredPagesCard
          id="shot-lists"
          filters={FILTERS}
          filter={data.query.status}
          page={data.lists.page}
          pageCount={data.lists.pageCount}
          totalLabel={plural(data.lists.total, "shot list")}
          emptyText={data.query.status === "all" ? "No shot lists yet: preview one above." : `No ${data.query.status} shot lists.`}
          go={go}
        >
          {data.lists.lists.map((list) => (
            <ShotListRow key={list.id} list={list} />
          ))}
        </FilteredPagesCard>
      </BlockStack>
    </Page>
  );
}

function PreviewCard({ preview, creating, onCreate }: { preview: ShotListPreview; creating: boolean; onCreate(): void }) {
  if (preview.emptyReason) {
    return (
      <Banner tone="info" title="Nothing to put on a shot list">
        <Text as="p">{preview.emptyReason}</Text>
      </Banner>
    );
  }
  const first = preview.days[0]?.date;
  const last = preview.days[preview.days.length - 1]?.date;
  const rows = preview.days.slice(0, PREVIEW_DAYS_SHOWN).map((day, index) => [
    String(index + 1),
    day.date,
    <InlineStack key="images" gap="200" blockAlign="center" wrap={false}>
      <Box minWidth="120px">
        <ProgressBar progress={Math.min(100, (day.images / preview.imagesPerDay) * 100)} size="small" tone={day.images > preview.imagesPerDay ? "critical" : "primary"} />
      </Box>
      <Text as="span" numeric>{`${day.images} / ${preview.imagesPerDay}`}</Text>
    </InlineStack>,
    String(day.lines),
    day.late > 0 ? <Badge key="late" tone="critical">{`${day.late} late`}</Badge> : "",
  ]);
  const hidden = preview.days.slice(PREVIEW_DAYS_SHOWN);
  return (
    <BlockStack gap="300">
      <div role="status">
        <Text as="h3" variant="headingSm">
          {`Preview: ${plural(preview.lines, "line")} (${plural(preview.products, "product")}), ${plural(preview.totalImages, "image")} over ${plural(preview.days.length, "studio day")}, ${first} to ${last}`}
        </Text>
      </div>
      <InlineStack gap="200">
        {preview.lateLines > 0 ? <Badge tone="critical">{`${plural(preview.lateLines, "line")} late for launch`}</Badge> : <Badge tone="success">Every line on time for its launch</Badge>}
        {preview.skippedColourways > 0 ? <Badge>{`${plural(preview.skippedColourways, "colourway")} already on an open list`}</Badge> : null}
      </InlineStack>
      {preview.remainingLines > 0 ? (
        <Banner tone="warning" title={`A shot list holds at most ${preview.maxLines.toLocaleString("en")} lines`}>
          <Text as="p">
            {`Create puts the first ${plural(preview.createLines, "line")} (${plural(preview.createDays, "studio day")}) on this list; the other ${plural(preview.remainingLines, "line")} wait for the next one: create another list afterwards.`}
          </Text>
        </Banner>
      ) : null}
      <DataTable columnContentTypes={["numeric", "text", "text", "numeric", "text"]} headings={["Day", "Date", "Images / capacity", "Lines", "Late"]} rows={rows} />
      {hidden.length > 0 ? (
        <Text as="p" tone="subdued">
          {`… and ${plural(hidden.length, "more day")} (${plural(
            hidden.reduce((sum, d) => sum + d.images, 0),
            "image",
          )}).`}
        </Text>
      ) : null}
      {preview.late.length > 0 ? (
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Late lines: shot after their due date (launch date minus {plural(preview.leadDays, "day")})
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["SKU", "Product", "Colourway", "Studio day", "Due"]}
            rows={preview.late.map((line) => [line.sku ?? "—", line.productTitle, line.colourway ?? "—", line.studioDay, line.dueDate ?? "—"])}
          />
          {preview.lateLines > preview.late.length ? (
            <Text as="p" tone="subdued">
              {`… and ${plural(preview.lateLines - preview.late.length, "more late line")}.`}
            </Text>
          ) : null}
        </BlockStack>
      ) : null}
      <InlineStack>
        <Button variant="primary" onClick={onCreate} loading={creating}>
          {`Create shot list #${preview.nextNumber}`}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

function ShotListRow({ list }: { list: ShotListSummary }) {
  const progress = list.views === 0 ? 0 : Math.round((list.deliveredViews / list.views) * 100);
  return (
    <Box padding="300" borderBlockEndWidth="025" borderColor="border">
      <InlineStack gap="400" align="space-between" blockAlign="center">
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Link to={`/app/studio/shot-lists/${list.id}`}>
              <Text as="span" variant="headingSm">{`Shot list #${list.number}`}</Text>
            </Link>
            <Badge tone={SHOT_LIST_TONE[list.status]}>{SHOT_LIST_STATUS_LABELS[list.status] ?? list.status}</Badge>
            {list.lateLines > 0 ? <Badge tone="critical">{`${list.lateLines} late`}</Badge> : null}
          </InlineStack>
          <Text as="p" variant="bodySm" tone="subdued">
            {`${list.firstDay ?? "—"} to ${list.lastDay ?? "—"} · ${plural(list.lines, "line")} · ${plural(list.images, "image")} · created ${formatTime(list.createdAt)} by ${list.createdBy}`}
          </Text>
        </BlockStack>
        <Box minWidth="220px">
          <BlockStack gap="100">
            <ProgressBar progress={progress} size="small" tone={progress === 100 ? "success" : "primary"} />
            <Text as="p" variant="bodySm" tone="subdued">{`${list.deliveredViews} of ${list.views} views delivered`}</Text>
          </BlockStack>
        </Box>
      </InlineStack>
    </Box>
  );
}
