import { useFetcher } from "@remix-run/react";
import { Autocomplete, Banner, BlockStack, FormLayout, InlineError, Modal, Select, Text } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { ASSET_LABELS } from "../production/production-plan";
import { STUDIO_IMAGE_KINDS } from "../studio/studio-intake";
import type { StudioUploadView } from "../studio/studio-intake.server";
import type { StudioProductOption } from "../studio/studio-uploads.server";

type AssignAnswer = { ok: true; upload: StudioUploadView } | { ok: false; errors: Record<string, string> };
type ProductsAnswer = { kind: "products"; products: StudioProductOption[] };

const SEARCH_DELAY_MS = 250;

/** What to search for first: the SKU the matcher suggested, the SKU it read, or a candidate's title. */
function initialQuery(upload: StudioUploadView): string {
  return upload.suggestions[0] ?? upload.sku ?? upload.candidates[0]?.title ?? "";
}

/**
 * Hand assignment of a studio file: a product (searched by title or any
 * variant SKU among the shop's products), the view it shows and the
 * colourway. The intake validates every field; its errors show under them.
 */
export function StudioUploadAssignModal({ upload, onClose }: { upload: StudioUploadView | null; onClose: () => void }) {
  const search = useFetcher<ProductsAnswer>();
  const assign = useFetcher<AssignAnswer>();
  const [query, setQuery] = useState("");
  const [product, setProduct] = useState<StudioProductOption | null>(null);
  const [assetKind, setAssetKind] = useState("");
  const [colour, setColour] = useState("");
  const [submitted, setSubmitted] = useState(false);

  // A new file opens the dialog afresh.
  useEffect(() => {
    if (!upload) return;
    setQuery(initialQuery(upload));
    setProduct(null);
    setAssetKind(upload.assetKind && (STUDIO_IMAGE_KINDS as readonly string[]).includes(upload.assetKind) ? upload.assetKind : "");
    setColour("");
    setSubmitted(false);
  }, [upload]);

  // Searching follows typing, a moment after the last key.
  const load = search.load;
  useEffect(() => {
    if (!upload) return;
    const timer = setTimeout(() => load(`/app/studio/uploads?productSearch=${encodeURIComponent(query.trim())}`), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query, upload, load]);

  const answer = submitted && assign.state === "idle" ? assign.data : undefined;
  useEffect(() => {
    if (answer?.ok) onClose();
  }, [answer, onClose]);

  const products = useMemo(() => search.data?.products ?? [], [search.data]);
  const options = products.map((p) => ({ value: p.productId, label: p.skus.length > 0 ? `${p.title} · ${p.skus.join(", ")}` : p.title }));
  const errors = answer && !answer.ok ? answer.errors : {};
  const colours = product?.colours ?? [];

  const choose = (selected: string[]) => {
    const chosen = products.find((p) => p.productId === selected[0]) ?? null;
    setProduct(chosen);
    if (!chosen) return;
    setQuery(chosen.title);
    const wanted = upload?.colour?.toLowerCase();
    setColour(chosen.colours.find((c) => c.toLowerCase() === wanted) ?? (chosen.colours.length === 1 ? chosen.colours[0] : ""));
  };

  const submit = () => {
    if (!upload) return;
    setSubmitted(true);
    assign.submit({ productId: product?.productId ?? "", assetKind, colour }, { method: "post", action: `/api/studio/uploads/${upload.id}/assign` });
  };

  return (
    <Modal
      open={upload !== null}
      onClose={onClose}
      title={upload ? `Assign ${upload.fileName}` : "Assign"}
      primaryAction={{ content: "Assign", onAction: submit, loading: assign.state !== "idle" }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        {upload ? (
          <BlockStack gap="300">
            {upload.reason ? (
              <Text as="p" tone="subdued">
                {upload.reason}
              </Text>
            ) : null}
            {errors.uploadId || errors.form ? <Banner tone="critical">{errors.uploadId ?? errors.form}</Banner> : null}
            <FormLayout>
              <BlockStack gap="100">
                <Autocomplete
                  options={options}
                  selected={product ? [product.productId] : []}
                  onSelect={choose}
                  loading={search.state !== "idle"}
                  emptyState={<Text as="p">{`No product has “${query.trim()}” in its title or SKUs.`}</Text>}
                  textField={
                    <Autocomplete.TextField
                      label="Product"
                      value={query}
                      onChange={(value) => {
                        setQuery(value);
                        if (product && value !== product.title) setProduct(null);
                      }}
                      placeholder="Search by title or SKU"
                      autoComplete="off"
                      error={errors.productId}
                    />
                  }
                />
                {product ? <Text as="p" variant="bodySm" tone="subdued">{`Chosen: ${product.title}`}</Text> : null}
              </BlockStack>
              <Select
                label="View"
                options={[{ label: "Choose the view the file shows", value: "" }, ...STUDIO_IMAGE_KINDS.map((kind) => ({ label: ASSET_LABELS[kind], value: kind }))]}
                value={assetKind}
                onChange={setAssetKind}
                error={errors.assetKind}
              />
              {colours.length > 0 ? (
                <Select
                  label="Colourway"
                  options={[...(colours.length > 1 ? [{ label: "Choose the colourway", value: "" }] : []), ...colours.map((c) => ({ label: c, value: c }))]}
                  value={colour}
                  onChange={setColour}
                  error={errors.colour}
                />
              ) : (
                <BlockStack gap="050">
                  <Text as="p" variant="bodySm" tone="subdued">
                    {product ? `${product.title} has no colour option.` : "Choose a product to pick its colourway."}
                  </Text>
                  {errors.colour ? <InlineError message={errors.colour} fieldID="studio-assign-colour" /> : null}
                </BlockStack>
              )}
            </FormLayout>
          </BlockStack>
        ) : null}
      </Modal.Section>
    </Modal>
  );
}
