import { Layout, Page } from "@shopify/polaris";
import type { StudioUploadsPageData } from "../studio/studio-uploads.server";
import { StudioUploadDropZone } from "./studio-upload-drop-zone";
import { StudioUploadFilesCard } from "./studio-upload-files-card";

/** Studio uploads: drop many files (chunked, resumable), then every file the studio sent with what became of it. */
export function StudioUploadPage({ data }: { data: StudioUploadsPageData }) {
  return (
    <Page
      title="Studio uploads"
      subtitle="Studio files are matched to products by their names and go through the same post-production, checks, review and publishing as AI images."
      backAction={{ content: "Studio", url: "/app/studio" }}
      secondaryActions={[{ content: "Shot lists", url: "/app/studio/shot-lists" }]}
    >
      <Layout>
        <Layout.Section>
          <StudioUploadDropZone namingTemplate={data.namingTemplate} exampleName={data.exampleName} maxBytes={data.maxBytes} />
        </Layout.Section>
        <Layout.Section>
          <StudioUploadFilesCard data={data} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
