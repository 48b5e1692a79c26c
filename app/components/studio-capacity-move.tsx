import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { LaneMoveResult } from "../studio/capacity.server";
import { FieldErrorsBanner } from "./field-errors-banner";
import { StudioCapacityEffect } from "./studio-capacity-effect";

export interface StudioCapacityMoveProps {
  facets: { types: string[]; vendors: string[]; tags: string[]; collections: { id: string; title: string }[] };
}

interface MoveForm {
  tier: string;
  collection: string;
  tag: string;
  type: string;
  vendor: string;
  q: string;
  target: string;
}

const EMPTY: MoveForm = { tier: "", collection: "", tag: "", type: "", vendor: "", q: "", target: "3" };

const FIELD_LABELS: Record<string, string> = { tier: "Tier", collection: "Collection", tag: "Tag", type: "Product type", vendor: "Vendor", q: "Title or SKU", target: "Move to", filter: "Products", selection: "Confirm", form: "Form" };

const TARGETS = [
  { label: "Tier 1 — studio", value: "1" },
  { label: "Tier 2 — mostly studio", value: "2" },
  { label: "Tier 3 — AI", value: "3" },
  { label: "Unpin (back to the tier their rules give)", value: "unpin" },
];

const any = (label: string, values: { label: string; value: string }[]) => [{ label, value: "" }, ...values];

/** "Move products between lanes": choose products by filter and a target, preview the effect, then confirm exactly that. */
export function StudioCapacityMove({ facets }: StudioCapacityMoveProps) {
  const fetcher = useFetcher<LaneMoveResult>();
  const [form, setForm] = useState<MoveForm>(EMPTY);
  const [previewed, setPreviewed] = useState<{ form: MoveForm; result: Extract<LaneMoveResult, { intent: "preview"; ok: true }> } | null>(null);
  const [confirmed, setConfirmed] = useState<string | null>(null);
  // The form as it was when last submitted, so a preview is tied to what was asked, not to later edits.
  const lastSubmitted = useRef<MoveForm | null>(null);
  const set = (key: keyof MoveForm) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const busy = fetcher.state !== "idle";
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors = result && !result.ok ? result.errors : {};

  useEffect(() => {
    if (!result?.ok) return;
    if (result.intent === "preview") {
      setPreviewed({ form: lastSubmitted.current ?? form, result });
      setConfirmed(null);
    } else {
      setPreviewed(null);
      setConfirmed(result.summary);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result]);

  const submit = (intent: "preview" | "confirm") => {
    lastSubmitted.current = form;
    const fields: Record<string, string> = { intent, target: form.target };
    for (const key of ["tier", "collection", "tag", "type", "vendor", "q"] as const) if (form[key]) fields[key] = form[key];
    if (intent === "confirm" && previewed) fields.selection = previewed.result.preview.selection;
    fetcher.submit(fields, { method: "post" });
  };
  // The confirm applies the previewed selection only: any change to the form asks for a new preview.
  const current = previewed && JSON.stringify(previewed.form) === JSON.stringify(form) ? previewed.result.preview : null;
  const confirmLabel = (preview: { target: string; selected: number }) => {
    const products = `${preview.selected.toLocaleString("en")} product${preview.selected === 1 ? "" : "s"}`;
    return preview.target === "unpin" ? `Confirm: unpin ${products}` : `Confirm: pin ${products} to tier ${preview.target}`;
  };

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Move products between lanes
          </Text>
          <Text as="p" tone="subdued">
            Choose products and the tier they should be made in, and see what it does to studio days and AI spend before anything changes. Confirming pins them (a pin beats every rule); Unpin gives them back to
            the rules. To move products by rule instead, preview a rule change on Tier routing.
          </Text>
        </BlockStack>
        <FieldErrorsBanner errors={errors} title="Nothing was moved: fix these" describe={(field) => FIELD_LABELS[field] ?? field} />
        {confirmed ? <Banner tone="success" title={confirmed} /> : null}
        <FormLayout>
          <FormLayout.Group>
            <Select
              label="Tier now"
              options={any("Any tier", [
                { label: "Tier 1", value: "1" },
                { label: "Tier 2", value: "2" },
                { label: "Tier 3", value: "3" },
                { label: "Not routed yet", value: "unrouted" },
              ])}
              value={form.tier}
              onChange={set("tier")}
              error={errors.tier}
            />
            <Select label="Collection" options={any("Any collection", facets.collections.map((c) => ({ label: c.title, value: c.id })))} value={form.collection} onChange={set("collection")} error={errors.collection} />
            <Select label="Tag" options={any("Any tag", facets.tags.map((t) => ({ label: t, value: t })))} value={form.tag} onChange={set("tag")} error={errors.tag} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Select label="Product type" options={any("Any type", facets.types.map((t) => ({ label: t, value: t })))} value={form.type} onChange={set("type")} error={errors.type} />
            <Select label="Vendor" options={any("Any vendor", facets.vendors.map((v) => ({ label: v, value: v })))} value={form.vendor} onChange={set("vendor")} error={errors.vendor} />
            <TextField label="Title or SKU contains" value={form.q} onChange={set("q")} autoComplete="off" error={errors.q} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Select label="Move to" options={TARGETS} value={form.target} onChange={set("target")} error={errors.target} />
          </FormLayout.Group>
        </FormLayout>
        <InlineStack gap="200">
          <Button onClick={() => submit("preview")} loading={busy && fetcher.formData?.get("intent") === "preview"}>
            Preview move
          </Button>
        </InlineStack>

        {current ? (
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              Preview: {current.selected.toLocaleString("en")} product{current.selected === 1 ? "" : "s"} selected, {current.moved.toLocaleString("en")} change tier
            </Text>
            <StudioCapacityEffect before={current.before} after={current.after} delta={current.delta} summary={current.summary} labels={["Now", "After the move"]} />
            {current.sample.length > 0 ? (
              <ul aria-label="Products that would change tier">
                {current.sample.map((s, i) => (
                  <li key={`${s.title}-${i}`}>
                    {s.title}: {s.from ? `tier ${s.from}` : "not routed"} → tier {s.to}
                  </li>
                ))}
                {current.moved > current.sample.length ? <li>and {(current.moved - current.sample.length).toLocaleString("en")} more</li> : null}
              </ul>
            ) : null}
            <InlineStack gap="200">
              <Button variant="primary" onClick={() => submit("confirm")} loading={busy && fetcher.formData?.get("intent") === "confirm"}>
                {confirmLabel(current)}
              </Button>
            </InlineStack>
          </BlockStack>
        ) : previewed ? (
          <Text as="p" tone="subdued">
            The choice changed since the preview: preview again to confirm.
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
