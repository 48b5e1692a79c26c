import { BlockStack, Box, Card, DataTable, InlineStack, Text } from "@shopify/polaris";

export interface CapacityWeekRow {
  week: string;
  weekStart: string;
  images: number;
  scheduled: number;
  backlog: number;
  capacity: number;
  overCapacity: boolean;
}

export interface StudioCapacityWeeksProps {
  weeks: CapacityWeekRow[];
  beyond: { images: number; weeks: number };
  scheduledImages: number;
  unscheduledImages: number;
  imagesPerDay: number;
}

const count = (n: number) => n.toLocaleString("en");
const SCHEDULED = "#2c6ecb";
const BACKLOG = "#a4c8f0";
const OVER = "#d82c0d";

/** One week's bar: scheduled then projected backlog, against a line at the week's capacity. Decorative; the table says the same. */
function WeekBar({ row, scale }: { row: CapacityWeekRow; scale: number }) {
  const pct = (n: number) => `${Math.min(100, (n / scale) * 100)}%`;
  return (
    <div aria-hidden="true" style={{ position: "relative", height: 14, background: "#f1f2f4", borderRadius: 3, minWidth: 160 }}>
      <div style={{ position: "absolute", left: 0, top: 0, bottom: 0, width: pct(row.scheduled), background: row.overCapacity ? OVER : SCHEDULED, borderRadius: 3 }} />
      <div style={{ position: "absolute", left: pct(row.scheduled), top: 0, bottom: 0, width: pct(row.backlog), background: BACKLOG }} />
      <div style={{ position: "absolute", left: pct(row.capacity), top: -2, bottom: -2, width: 2, background: "#303030" }} />
    </div>
  );
}

function Key({ colour, label }: { colour: string; label: string }) {
  return (
    <InlineStack gap="100" blockAlign="center">
      <span aria-hidden="true" style={{ display: "inline-block", width: 12, height: 12, background: colour, borderRadius: 2 }} />
      <Text as="span" variant="bodySm">
        {label}
      </Text>
    </InlineStack>
  );
}

/** Studio images needed against capacity per ISO week: shot lists first, then the unscheduled backlog laid out at capacity. */
export function StudioCapacityWeeks({ weeks, beyond, scheduledImages, unscheduledImages, imagesPerDay }: StudioCapacityWeeksProps) {
  const scale = Math.max(1, ...weeks.map((w) => Math.max(w.images, w.capacity)));
  const over = weeks.filter((w) => w.overCapacity).length;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Studio images per week
        </Text>
        <Text as="p" tone="subdued">
          {count(scheduledImages)} images on open shot lists and {count(unscheduledImages)} not scheduled yet, at {count(imagesPerDay)} images per studio day. The unscheduled backlog is laid out after the shot
          lists at full capacity, as the next shot list would be.
        </Text>
        {weeks.length === 0 ? (
          <Text as="p">Nothing to shoot: no open shot list and no studio backlog.</Text>
        ) : (
          <>
            <InlineStack gap="400">
              <Key colour={SCHEDULED} label="On shot lists" />
              <Key colour={BACKLOG} label="Backlog, not scheduled" />
              <Key colour={OVER} label="Over capacity" />
              <Key colour="#303030" label="Capacity" />
            </InlineStack>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
              headings={["Week", "On shot lists", "Backlog", "Needed", "Capacity", "Load"]}
              rows={weeks.map((w) => [
                <Text as="span" key="w" tone={w.overCapacity ? "critical" : undefined}>
                  {w.week} ({w.weekStart}){w.overCapacity ? " — over capacity" : ""}
                </Text>,
                count(w.scheduled),
                count(w.backlog),
                count(w.images),
                count(w.capacity),
                <Box key="bar" minWidth="160px">
                  <WeekBar row={w} scale={scale} />
                </Box>,
              ])}
            />
            {over > 0 ? (
              <Text as="p" tone="critical">
                {over} week{over === 1 ? " needs" : "s need"} more studio images than the studio can make: move some products to the AI lane below, or add studio days in Settings.
              </Text>
            ) : null}
            {beyond.images > 0 ? (
              <Text as="p" tone="subdued">
                And {count(beyond.images)} more images after these weeks: about {count(beyond.weeks)} more week{beyond.weeks === 1 ? "" : "s"} at capacity.
              </Text>
            ) : null}
          </>
        )}
      </BlockStack>
    </Card>
  );
}
