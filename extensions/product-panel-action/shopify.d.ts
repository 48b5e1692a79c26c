// The `shopify` global of this extension's target, as Shopify CLI declares it for each module.
import "@shopify/ui-extensions";

declare module "./src/ActionExtension.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.product-details.action.render").Api;
}
