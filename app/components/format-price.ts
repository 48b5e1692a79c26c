/** "€12.00" or "€12.00 – €40.00", from integer cents. */
export function formatPriceRange(minCents: number, maxCents: number, currencyCode: string): string {
  const format = (cents: number) => new Intl.NumberFormat("en", { style: "currency", currency: currencyCode || "USD" }).format(cents / 100);
  return minCents === maxCents ? format(minCents) : `${format(minCents)} – ${format(maxCents)}`;
}
