import { Banner } from "@shopify/polaris";

/** Says, in demo mode only, that the store is the local emulator. */
export function DemoStoreBanner({ demo }: { demo: boolean }) {
  return demo ? (
    <Banner tone="info" title="Demo mode">
      This store is Shotlane's local store emulator with a generated fashion catalog. Nothing here reaches Shopify.
    </Banner>
  ) : null;
}
