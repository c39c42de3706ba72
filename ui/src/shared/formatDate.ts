/** The formatters, made once: `toLocaleString(undefined, options)` makes a new
 * one on every call, which is most of what a row of dates costs to render. */
let dateTime: Intl.DateTimeFormat | null = null;
let dateOnly: Intl.DateTimeFormat | null = null;

/** An RFC 3339 instant in the user's local time, or "Never" when absent. */
export function formatExpiry(expiresOn: string | null): string {
  if (!expiresOn) return "Never";
  const date = new Date(expiresOn);
  if (Number.isNaN(date.getTime())) return expiresOn;
  dateTime ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  return dateTime.format(date);
}

/** Like {@link formatExpiry}, date only (for narrow places; put the full value in a tooltip). */
export function formatExpiryDate(expiresOn: string | null): string {
  if (!expiresOn) return "Never";
  const date = new Date(expiresOn);
  if (Number.isNaN(date.getTime())) return expiresOn;
  dateOnly ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
  return dateOnly.format(date);
}
