import { useSearchParams } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import type { RecipesPageData } from "../recipes/recipes-page.server";
import { RecipeCategoriesCard } from "./recipe-categories-card";
import { RecipeEditor } from "./recipe-editor";
import { RecipeHistoryCard } from "./recipe-history-card";

/** The Brand recipes page: category mapping on top, then the selected category's recipe and its history. */
export function RecipePage({ recipes, selectedKey, samples, providers, modelReferences, removalProviders, channels }: RecipesPageData) {
  const [, setSearchParams] = useSearchParams();
  const selected = recipes.find((r) => r.category.key === selectedKey) ?? recipes[0];
  return (
    <Page
      title="Brand recipes"
      subtitle="How the AI lane makes each garment category look like your brand. Every save is a new version; generated images keep the version that made them."
      backAction={{ content: "Catalog", url: "/app/catalog" }}
    >
      <Layout>
        <Layout.Section>
          <RecipeCategoriesCard
            categories={recipes.map((r) => ({ ...r.category, currentVersion: r.currentVersion }))}
            selectedKey={selected?.category.key ?? null}
            onSelect={(key) => setSearchParams({ category: key }, { preventScrollReset: true })}
          />
        </Layout.Section>
        {selected ? (
          <>
            <Layout.Section>
              <RecipeEditor
                key={selected.category.key}
                category={selected.category}
                currentVersion={selected.currentVersion}
                spec={selected.spec}
                sample={samples[selected.category.key] ?? null}
                providers={providers}
                modelReferences={modelReferences}
                removalProviders={removalProviders}
                channels={channels}
              />
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <RecipeHistoryCard categoryName={selected.category.name} currentVersion={selected.currentVersion} versions={selected.versions} />
              </BlockStack>
            </Layout.Section>
          </>
        ) : null}
      </Layout>
    </Page>
  );
}
