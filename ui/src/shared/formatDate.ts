/** An RFC 3339 instant in the user's local time, or "Never" when absent. */
export function formatExpiry(expiresOn: string | null): string {
  if (!expiresOn) return "Never";
  const date = new Date(expiresOn);
  if (Number.isNaN(date.getTime())) return expiresOn;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Like {@link formatExpiry}, date only (for narrow places; put the full value in a tooltip). */
export function formatExpiryDate(expiresOn: string | null): string {
  if (!expiresOn) return "Never";
  const date = new Date(expiresOn);
  if (Number.isNaN(date.getTime())) return expiresOn;
  return date.toLocaleDateString(undefined, { dateStyle: "medium" });
}
