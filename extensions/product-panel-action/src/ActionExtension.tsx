import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchAnswer, initialChoices, openOrderLine, panelPath, producePath, produceRequest, readPanelResponse, readProduceResponse, selectedProductId, sendBlocker, type Answer } from "../../shared/panel-client";
import type { ProduceResult, ProductPanel } from "../../shared/panel-contract";

export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const productId = selectedProductId(shopify.data);
  const [panel, setPanel] = useState<Answer<ProductPanel> | null>(null);

  useEffect(() => {
    if (!productId) return;
    void fetchAnswer(fetch, panelPath(productId), undefined, readPanelResponse).then(setPanel);
  }, [productId]);

  if (!productId) return <Frame heading="Shotlane">{<s-text>Open a product to send it to production.</s-text>}</Frame>;
  if (!panel) return <Frame heading="Shotlane" loading>{<s-text color="subdued">Loading…</s-text>}</Frame>;
  if (!panel.ok) return <Frame heading="Shotlane">{<s-banner tone="critical">{panel.message}</s-banner>}</Frame>;
  return <ProduceForm productId={productId} panel={panel.value} />;
}

function Frame({ heading, loading, children, primary }: { heading: string; loading?: boolean; children: preact.ComponentChildren; primary?: preact.ComponentChildren }) {
  return (
    <s-admin-action heading={heading} loading={loading}>
      {children}
      {primary}
      <s-button slot="secondary-actions" onClick={() => shopify.close()}>
        Close
      </s-button>
    </s-admin-action>
  );
}

function ProduceForm({ productId, panel }: { productId: string; panel: ProductPanel }) {
  const initial = initialChoices(panel);
  const [views, setViews] = useState<string[]>(initial.views);
  const [recipe, setRecipe] = useState<string | null>(initial.recipe);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Answer<ProduceResult> | null>(null);
  const blocker = sendBlocker(panel, views);
  const open = openOrderLine(panel);

  async function send() {
    const request = produceRequest(views, recipe);
    if (!request.ok) return setResult({ ok: false, message: request.error });
    setSending(true);
    const answer = await fetchAnswer(fetch, producePath(productId), request.value, readProduceResponse);
    setSending(false);
    setResult(answer);
  }

  const done = result?.ok && result.value.outcome === "created";
  return (
    <Frame
      heading={`${panel.action.label}: ${panel.product.title}`}
      primary={
        <s-button slot="primary-action" variant="primary" loading={sending} disabled={Boolean(blocker) || sending || Boolean(done)} onClick={() => void send()}>
          {panel.action.label}
        </s-button>
      }
    >
      <s-stack gap="base">
        {result ? (
          <s-banner tone={result.ok ? (result.value.outcome === "created" ? "success" : "warning") : "critical"}>{result.ok ? result.value.message : result.message}</s-banner>
        ) : null}
        {open ? <s-text color="subdued">{open}</s-text> : null}
        {panel.recipes.length > 0 ? (
          <s-select label="Brand recipe" value={recipe ?? ""} onChange={(event) => setRecipe(event.currentTarget.value || null)}>
            {panel.recipes.map((r) => (
              <s-option key={r.key} value={r.key}>
                {r.name}
              </s-option>
            ))}
          </s-select>
        ) : null}
        {panel.plan.items.length > 0 ? (
          <s-choice-list label="Views to produce" name="views" multiple values={views} onChange={(event) => setViews([...event.currentTarget.values])}>
            {panel.plan.items.map((item) => (
              <s-choice key={item.asset} value={item.asset} selected={views.includes(item.asset)}>
                {item.label} ({item.source === "ai" ? "AI" : "studio"}{item.missing ? ", missing" : ""})
              </s-choice>
            ))}
          </s-choice-list>
        ) : null}
        {blocker ? <s-text color="subdued">{blocker}</s-text> : null}
      </s-stack>
    </Frame>
  );
}
