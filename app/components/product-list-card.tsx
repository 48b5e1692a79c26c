import { Link, useFetcher, useNavigate, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, ChoiceList, Filters, FormLayout, IndexTable, InlineStack, Modal, Select, Text, TextField, useIndexResourceState, type FilterInterface } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { ProductListFacets, ProductListPage } from "../catalog/product-list.server";
import type { ProductListQuery } from "../catalog/product-list-query";
import type { SendResult } from "../production/production-orders.server";
import { productListSearch } from "../catalog/product-list-search";
import { formatPriceRange } from "./format-price";
import { stillNeeded, type PlanItem } from "../production/production-plan";
import type { LaunchResult } from "../studio/launch-dates.server";
import { SHOT_LIST_STATUS_LABELS } from "../studio/shot-list";
import type { LatestShotList } from "../studio/shot-lists.server";

type SendResponse = ({ ok: true } & SendResult) | { ok: false; error: string };
type FilterKey = "type" | "vendor" | "tag" | "collection" | "tier" | "lane" | "gap" | "shotList";
type PlanSummary = { lane: string; items: PlanItem[] };

interface Props {
  page: ProductListPage;
  facets: ProductListFacets;
  query: ProductListQuery;
  ruleNames: Record<string, string>;
  plans: Record<number, PlanSummary>;
}

const STATUS_TONE: Record<string, "success" | "info" | undefined> = { ACTIVE: "success", DRAFT: "info" };

export function ProductListCard({ page, facets, query, ruleNames, plans }: Props) {
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [searchText, setSearchText] = useState(query.q ?? "");
  const pin = useFetcher<{ ok: boolean; pinned?: number; error?: string }>();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(page.items);
  const pinSelected = (tier: "1" | "2" | "3" | "none") => {
    pin.submit({ tier, productIds: JSON.stringify(selectedResources) }, { method: "post", action: "/api/products/pin" });
    clearSelection();
  };
  const send = useFetcher<SendResponse>();
  const sendSelected = () => {
    send.submit({ productIds: JSON.stringify(selectedResources) }, { method: "post", action: "/api/production/send" });
    clearSelection();
  };
  const reprocess = useFetcher<SendResponse>();
  const reprocessSelected = () => {
    reprocess.submit({ productIds: JSON.stringify(selectedResources) }, { method: "post", action: "/api/production/reprocess" });
    clearSelection();
  };
  const launch = useFetcher<LaunchResult>();
  const [launchOpen, setLaunchOpen] = useState(false);
  const [launchIds, setLaunchIds] = useState<string[]>([]);
  const [dismissedLaunch, setDismissedLaunch] = useState<LaunchResult | undefined>(undefined);
  const openLaunch = () => {
    setLaunchIds(selectedResources);
    setLaunchOpen(true);
  };
  // The modal closes once the launch dates are saved; a refusal keeps it open with the reason.
  useEffect(() => {
    if (launch.state === "idle" && launch.data?.ok) {
      setLaunchOpen(false);
      clearSelection();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [launch.state, launch.data]);
  // A dismissed result stays hidden until the next send answers.
  const [dismissedSend, setDismissedSend] = useState<SendResponse | undefined>(undefined);

  const go = (changes: Partial<ProductListQuery>) => navigate(`/app/catalog${productListSearch({ ...query, page: 1, ...changes })}`, { preventScrollReset: true });

  // Search as the merchant types, without a request per keystroke.
  useEffect(() => {
    if ((query.q ?? "") === searchText) return;
    const timer = setTimeout(() => go({ q: searchText || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  const choice = (key: FilterKey, label: string, choices: { label: string; value: string }[]): FilterInterface => ({
    key,
    label,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        choices={choices}
        selected={query[key] ? [query[key]!] : []}
        onChange={(selected) => go({ [key]: selected[0] } as Partial<ProductListQuery>)}
      />
    ),
    shortcut: true,
  });

  const filters = [
    choice("type", "Product type", facets.types.map((t) => ({ label: t, value: t }))),
    choice("vendor", "Vendor", facets.vendors.map((v) => ({ label: v, value: v }))),
    choice("tag", "Tag", facets.tags.map((t) => ({ label: t, value: t }))),
    choice("collection", "Collection", facets.collections.map((c) => ({ label: c.title, value: c.id }))),
    choice("tier", "Tier", [
      { label: "Tier 1 (studio)", value: "1" },
      { label: "Tier 2 (mostly studio)", value: "2" },
      { label: "Tier 3 (AI)", value: "3" },
      { label: "Not routed yet", value: "unrouted" },
    ]),
    choice("lane", "Lane", [
      { label: "Studio", value: "studio" },
      { label: "Hybrid", value: "hybrid" },
      { label: "AI", value: "ai" },
    ]),
    choice("gap", "Plan needs", [
      { label: "Needs on-model images", value: "on-model" },
      { label: "Needs video", value: "video" },
      { label: "Needs a packshot", value: "packshot" },
    ]),
    choice("shotList", "Shot list status", [
      { label: "On no shot list", value: "none" },
      { label: "Draft", value: "draft" },
      { label: "Sent", value: "sent" },
      { label: "Shooting", value: "shooting" },
      { label: "Delivered", value: "delivered" },
    ]),
  ];
  const collectionTitle = (id: string) => facets.collections.find((c) => c.id === id)?.title ?? id;
  const appliedFilters = (["type", "vendor", "tag", "collection", "tier", "lane", "gap", "shotList"] as const)
    .filter((key) => query[key])
    .map((key) => ({
      key,
      label: `${filters.find((f) => f.key === key)!.label}: ${key === "collection" ? collectionTitle(query[key]!) : query[key]}`,
      onRemove: () => go({ [key]: undefined }),
    }));

  const rows = page.items.map((product, index) => (
    <IndexTable.Row id={product.id} key={product.id} position={index} selected={selectedResources.includes(product.id)}>
      <IndexTable.Cell>
        <InlineStack gap="300" blockAlign="center" wrap={false}>
          {product.featuredImageUrl ? (
            <img src={product.featuredImageUrl} alt="" width={40} height={50} loading="lazy" decoding="async" style={{ objectFit: "cover", borderRadius: 6, background: "#f1f1f1" }} />
          ) : (
            <div style={{ width: 40, height: 50, borderRadius: 6, background: "#f1f1f1" }} aria-hidden />
          )}
          <Text as="span" variant="bodyMd" fontWeight="semibold">
            {product.title}
          </Text>
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <TierCell tier={product.tier} source={product.tierSource} ruleName={product.tierRuleId ? ruleNames[product.tierRuleId] : undefined} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <PlanCell plan={product.tier ? plans[product.tier] : undefined} produced={product.producedAssets} />
      </IndexTable.Cell>
      <IndexTable.Cell>{product.productType}</IndexTable.Cell>
      <IndexTable.Cell>{product.vendor}</IndexTable.Cell>
      <IndexTable.Cell>
        <Badge tone={STATUS_TONE[product.status]}>{product.status.toLowerCase()}</Badge>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {formatPriceRange(product.minPriceCents, product.maxPriceCents, product.currencyCode)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {product.imageCount}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" tone="subdued" truncate>
          {product.collections.join(", ")}
        </Text>
      </IndexTable.Cell>
      {/* Last, so the columns before it keep their places. */}
      <IndexTable.Cell>
        <ShotListCell shotList={product.shotList} launchDate={product.launchDate} priority={product.priority} />
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Card padding="0">
      {send.data && send.data !== dismissedSend ? (
        <Box padding="300">
          <SendResultBanner result={send.data} onDismiss={() => setDismissedSend(send.data)} what="sent to production" />
        </Box>
      ) : null}
      {reprocess.data && reprocess.data !== dismissedSend ? (
        <Box padding="300">
          <SendResultBanner result={reprocess.data} onDismiss={() => setDismissedSend(reprocess.data)} what="re-processing their store images" />
        </Box>
      ) : null}
      {launch.data && launch.data !== dismissedLaunch && !launchOpen ? (
        <Box padding="300">
          <Banner tone={launch.data.ok ? "success" : "critical"} onDismiss={() => setDismissedLaunch(launch.data)}>
            <Text as="p">{launch.data.ok ? launch.data.message : launch.data.error}</Text>
          </Banner>
        </Box>
      ) : null}
      <LaunchModal open={launchOpen} count={launchIds.length} busy={launch.state !== "idle"} error={launch.data && !launch.data.ok ? launch.data.error : undefined} onClose={() => setLaunchOpen(false)} onSave={(launchDate, priority) => launch.submit({ productIds: JSON.stringify(launchIds), launchDate, priority }, { method: "post", action: "/api/products/launch" })} />
      {pin.data && !pin.data.ok ? (
        <div role="alert" style={{ padding: "12px 16px" }}>
          <Text as="p" tone="critical">
            {pin.data.error}
          </Text>
        </div>
      ) : null}
      <Filters
        queryValue={searchText}
        queryPlaceholder="Search title, handle or SKU"
        filters={filters}
        appliedFilters={appliedFilters}
        onQueryChange={setSearchText}
        onQueryClear={() => setSearchText("")}
        onClearAll={() => {
          setSearchText("");
          navigate("/app/catalog");
        }}
        loading={navigation.state === "loading"}
      />
      <IndexTable
        resourceName={{ singular: "product", plural: "products" }}
        itemCount={page.items.length}
        selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
        onSelectionChange={handleSelectionChange}
        promotedBulkActions={[
          { content: send.state === "idle" ? "Send to production" : "Sending…", onAction: sendSelected, disabled: send.state !== "idle" },
          { content: "Pin to tier 1", onAction: () => pinSelected("1") },
          { content: "Pin to tier 2", onAction: () => pinSelected("2") },
          { content: "Pin to tier 3", onAction: () => pinSelected("3") },
        ]}
        bulkActions={[
          { content: reprocess.state === "idle" ? "Re-process store images" : "Re-processing…", onAction: reprocessSelected, disabled: reprocess.state !== "idle" },
          { content: "Remove pin (follow the rules)", onAction: () => pinSelected("none") },
          { content: "Set launch date and priority…", onAction: openLaunch },
        ]}
        loading={navigation.state === "loading"}
        headings={[
          { title: "Product" },
          { title: "Tier" },
          { title: "Plan" },
          { title: "Type" },
          { title: "Vendor" },
          { title: "Status" },
          { title: "Price", alignment: "end" },
          { title: "Images", alignment: "end" },
          { title: "Collections" },
          { title: "Shot list" },
        ]}
        pagination={{
          hasPrevious: page.page > 1,
          hasNext: page.page < page.pageCount,
          onPrevious: () => go({ page: page.page - 1 }),
          onNext: () => go({ page: page.page + 1 }),
          label: `Page ${page.page} of ${page.pageCount} · ${page.total.toLocaleString("en")} products`,
        }}
        emptyState={
          <Text as="p" alignment="center" tone="subdued">
            {page.total === 0 && !query.q && appliedFilters.length === 0 ? "No products yet: run a catalog sync." : "No products match these filters."}
          </Text>
        }
      >
        {rows}
      </IndexTable>
    </Card>
  );
}

const TIER_TONE: Record<number, "info" | "success" | "magic"> = { 1: "info", 2: "success", 3: "magic" };

/** The product's tier and why: the rule that matched, a pin, or the default. */
function TierCell({ tier, source, ruleName }: { tier: number | null; source: string | null; ruleName?: string }) {
  if (tier === null) return <Text as="span" tone="subdued">not routed</Text>;
  const why = source === "pin" ? "pinned by hand" : source === "rule" ? `rule: ${ruleName ?? "deleted rule"}` : "default tier";
  return (
    <InlineStack gap="100" blockAlign="center" wrap={false}>
      <Badge tone={TIER_TONE[tier]}>{`Tier ${tier}`}</Badge>
      <Text as="span" variant="bodySm" tone="subdued">
        {why}
      </Text>
    </InlineStack>
  );
}

const LANE_LABEL: Record<string, string> = { studio: "Studio", hybrid: "Hybrid", ai: "AI" };

/** The lane and what the tier's plan still lacks for this product (planned assets it has none of yet). */
function PlanCell({ plan, produced }: { plan?: PlanSummary; produced: string[] }) {
  if (!plan) return <Text as="span" tone="subdued">—</Text>;
  const missing = stillNeeded(plan.items, produced);
  const studio = missing.filter((i) => i.source === "studio").length;
  const ai = missing.filter((i) => i.source === "ai").length;
  const parts = [studio ? `${studio} studio` : null, ai ? `${ai} AI` : null].filter(Boolean).join(", ");
  return (
    <Text as="span" variant="bodySm">
      {LANE_LABEL[plan.lane] ?? plan.lane} lane · {parts ? `needs ${parts}` : "plan complete"}
    </Text>
  );
}

const SHOT_LIST_TONE: Record<string, "info" | "attention" | "success" | undefined> = { draft: undefined, sent: "info", shooting: "attention", delivered: "success" };

/** The product's newest shot list ("Shot list #3 · Sent", linking to it) and its launch date and priority. */
function ShotListCell({ shotList, launchDate, priority }: { shotList: LatestShotList | null; launchDate: string | null; priority: number | null }) {
  const launchText = [launchDate ? `launch ${launchDate}` : null, priority ? `priority ${priority}` : null].filter(Boolean).join(" · ");
  return (
    <BlockStack gap="050">
      {shotList ? (
        // The row toggles selection on click; the link opens the list instead.
        <span onClick={(event) => event.stopPropagation()}>
          <Link to={`/app/studio/shot-lists/${shotList.id}`}>
            <Badge tone={SHOT_LIST_TONE[shotList.status]}>{`Shot list #${shotList.number} · ${SHOT_LIST_STATUS_LABELS[shotList.status] ?? shotList.status}`}</Badge>
          </Link>
        </span>
      ) : (
        <Text as="span" tone="subdued">
          —
        </Text>
      )}
      {launchText ? (
        <Text as="span" variant="bodySm" tone="subdued">
          {launchText}
        </Text>
      ) : null}
    </BlockStack>
  );
}

/** Launch date and priority for the selected products; blank fields clear them. */
function LaunchModal({ open, count, busy, error, onClose, onSave }: { open: boolean; count: number; busy: boolean; error?: string; onClose(): void; onSave(launchDate: string, priority: string): void }) {
  const [launchDate, setLaunchDate] = useState("");
  const [priority, setPriority] = useState("");
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Launch date and priority for ${count} product${count === 1 ? "" : "s"}`}
      primaryAction={{ content: "Save", onAction: () => onSave(launchDate, priority), loading: busy }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <FormLayout>
          {error ? (
            <Banner tone="critical">
              <Text as="p">{error}</Text>
            </Banner>
          ) : null}
          <TextField label="Launch date" type="date" value={launchDate} onChange={setLaunchDate} autoComplete="off" helpText="Shot lists shoot the earliest launches first. Leave blank to clear." />
          <Select
            label="Priority"
            options={[{ label: "None", value: "" }, ...[1, 2, 3, 4, 5].map((n) => ({ label: n === 1 ? "1 (first)" : String(n), value: String(n) }))]}
            value={priority}
            onChange={setPriority}
            helpText="Among products launching the same day, a lower number is shot first."
          />
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}

/** What "Send to production" did: orders created, products skipped and why, and the way to the Production page. */
function SendResultBanner({ result, onDismiss, what }: { result: SendResponse; onDismiss: () => void; what: string }) {
  if (!result.ok) {
    return (
      <Banner tone="critical" title={`Nothing was ${what}`} onDismiss={onDismiss}>
        <Text as="p">{result.error}</Text>
      </Banner>
    );
  }
  const sent = result.created.length;
  return (
    <Banner
      tone={sent === 0 ? "warning" : result.skipped.length || result.queueWarning ? "warning" : "success"}
      title={`${sent} product${sent === 1 ? "" : "s"} ${what}`}
      action={{ content: "Open Production", url: "/app/production" }}
      onDismiss={onDismiss}
    >
      {result.skipped.length ? (
        <>
          <Text as="p">
            {result.skipped.length} product{result.skipped.length === 1 ? " was" : "s were"} skipped:
          </Text>
          <ul>
            {result.skipped.map((skip) => (
              <li key={skip.productId}>
                {skip.title ?? skip.productId}: {skip.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.queueWarning ? <Text as="p">{result.queueWarning}</Text> : null}
    </Banner>
  );
}
