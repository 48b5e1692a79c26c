import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ACTION_HANDLE, appHref, fetchAnswer, inFlightLine, openOrderLine, panelPath, readPanelResponse, reviewLinkLabel, selectedProductId, tierHeading, type Answer } from "../../shared/panel-client";
import type { ProductPanel } from "../../shared/panel-contract";

export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const productId = selectedProductId(shopify.data);
  const [answer, setAnswer] = useState<Answer<ProductPanel> | null>(null);

  useEffect(() => {
    if (!productId) return;
    let current = true;
    void fetchAnswer(fetch, panelPath(productId), undefined, readPanelResponse).then((next) => current && setAnswer(next));
    return () => {
      current = false;
    };
  }, [productId]);

  if (!productId) return <Block><s-text>Open a product to see its Shotlane visuals.</s-text></Block>;
  if (!answer) return <Block><s-text color="subdued">Loading Shotlane…</s-text></Block>;
  if (!answer.ok) return <Block><s-banner tone="critical">{answer.message}</s-banner></Block>;
  return <Panel panel={answer.value} />;
}

function Block({ children, summary }: { children: preact.ComponentChildren; summary?: string }) {
  return (
    <s-admin-block heading="Shotlane visuals" collapsedSummary={summary}>
      {children}
    </s-admin-block>
  );
}

function Panel({ panel }: { panel: ProductPanel }) {
  const open = openOrderLine(panel);
  return (
    <Block summary={`${tierHeading(panel)} · ${panel.missing.length} missing`}>
      <s-stack gap="base">
        <s-stack direction="inline" gap="small" alignItems="center">
          <s-badge tone={panel.tier ? "info" : "warning"}>{tierHeading(panel)}</s-badge>
          <s-text>{panel.tierReason}</s-text>
        </s-stack>

        {panel.plan.items.length > 0 ? (
          <s-stack gap="small-200">
            <s-heading>Plan{panel.plan.lane ? ` (${panel.plan.lane === "ai" ? "AI" : panel.plan.lane})` : ""}</s-heading>
            <s-stack direction="inline" gap="small-200">
              {panel.plan.items.map((item) => (
                <s-badge key={item.asset} tone={item.missing ? "warning" : "success"}>
                  {item.label}: {item.missing ? "missing" : "approved"}
                </s-badge>
              ))}
            </s-stack>
          </s-stack>
        ) : null}

        <s-text>{inFlightLine(panel)}</s-text>
        {open ? <s-text color="subdued">{open}</s-text> : null}
        <s-text>
          {panel.awaitingReview} awaiting review · {panel.approved} approved
        </s-text>

        {panel.thumbnails.length > 0 ? (
          <s-stack direction="inline" gap="small-200">
            {panel.thumbnails.map((thumb) => (
              <s-thumbnail key={thumb.assetId} src={thumb.url} alt={`${thumb.label} (${thumb.state.replace("-", " ")})`} size="small" />
            ))}
          </s-stack>
        ) : null}

        <s-stack direction="inline" gap="base" alignItems="center">
          <s-link href={appHref(panel.links.review)}>{reviewLinkLabel(panel.awaitingReview)}</s-link>
          <s-link href={appHref(panel.links.production)}>Production</s-link>
          {panel.tier ? <s-button onClick={() => shopify.navigation.navigate(`extension://${ACTION_HANDLE}`)}>{panel.action.label}</s-button> : null}
        </s-stack>
      </s-stack>
    </Block>
  );
}
