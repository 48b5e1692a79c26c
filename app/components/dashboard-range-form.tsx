import { Form } from "@remix-run/react";
import { Button, InlineStack, Select, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { DashboardQuery } from "../dashboard/dashboard-query";

const LANE_OPTIONS = [
  { label: "Both lanes", value: "" },
  { label: "AI lane", value: "ai" },
  { label: "Studio lane", value: "studio" },
];

/** The date range and lane, sent as GET parameters (the page is bookmarkable; the CSV links use the same ones). */
export function DashboardRangeForm({ query, errors }: { query: DashboardQuery; errors: Record<string, string> }) {
  const [from, setFrom] = useState(query.from);
  const [to, setTo] = useState(query.to);
  const [lane, setLane] = useState(query.lane ?? "");
  useEffect(() => {
    setFrom(query.from);
    setTo(query.to);
    setLane(query.lane ?? "");
  }, [query.from, query.to, query.lane]);
  return (
    <Form method="get" aria-label="Date range and lane">
      <InlineStack gap="300" blockAlign="end" wrap>
        <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" error={errors.from} />
        <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" error={errors.to} />
        <Select label="Lane" name="lane" options={LANE_OPTIONS} value={lane} onChange={setLane} error={errors.lane} />
        <Button submit variant="primary">
          Show figures
        </Button>
      </InlineStack>
    </Form>
  );
}
