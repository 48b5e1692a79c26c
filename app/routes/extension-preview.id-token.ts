import { previewIdToken } from "../product-panel/extension-preview.server";

// Demo only (404 otherwise): a fresh ID token for the demo shop, signed with the demo app's secret as the admin would.
export const loader = async () => previewIdToken();
