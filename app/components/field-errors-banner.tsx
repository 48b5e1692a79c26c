import { Banner } from "@shopify/polaris";

/** The "nothing was saved" banner listing each refused field with what to do. */
export function FieldErrorsBanner({ errors, title, describe = (field) => field }: { errors: Record<string, string>; title: string; describe?: (field: string) => string }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <Banner tone="critical" title={title}>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            {describe(field)}: {message}
          </li>
        ))}
      </ul>
    </Banner>
  );
}
