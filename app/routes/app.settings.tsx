import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { BudgetSettingsCard } from "../components/budget-settings-card";
import { ProviderCredentialsCard } from "../components/provider-credentials-card";
import { PublishingSettingsCard } from "../components/publishing-settings-card";
import { ReviewSettingsCard } from "../components/review-settings-card";
import { StudioSettingsCard } from "../components/studio-settings-card";
import { loadSettingsPage, submitSettingsForm } from "../settings/settings-page.server";
import { requireShopAdmin } from "../shopify/require-shop-admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShopAdmin(request);
  return loadSettingsPage(shop, { demo });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireShopAdmin(request);
  return submitSettingsForm(shop, await request.formData(), actor);
};

export default function SettingsPage() {
  const { demo, providers, budgets, spend, review, publishing, studio } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings" subtitle="Your AI providers' API keys, the spending limits for production, how generated assets are approved and published, and your studio." backAction={{ content: "Catalog", url: "/app/catalog" }}>
      <Layout>
        <Layout.AnnotatedSection id="providers" title="AI providers" description="Keys are encrypted at rest and never shown again after saving; only their last four characters are.">
          <BlockStack gap="400">
            {demo ? (
              <Banner tone="info" title="Demo mode">
                <Text as="p">The demo provider composes pictures locally and needs no key. Add a real provider's key here to use it instead.</Text>
              </Banner>
            ) : null}
            {providers.map((card) => (
              <ProviderCredentialsCard key={card.provider} card={card} />
            ))}
          </BlockStack>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="budgets" title="Budgets" description="Limits in US dollars, as providers bill.">
          <BudgetSettingsCard budgets={budgets} spend={spend} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="review" title="Review" description="Who has the last word before an asset is approved.">
          <ReviewSettingsCard review={review} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="publishing" title="Publishing" description="How approved media goes onto your products, and what starts by itself when you add a product.">
          <PublishingSettingsCard publishing={publishing} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection id="studio" title="Studio" description="Your studio's capacity and week, how it names files, and where it drops them. Shot lists, uploads and the capacity view use these.">
          <StudioSettingsCard studio={studio} />
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
