import type {
  AuditAction,
  ExpiryState,
  ItemState,
  RegisterEntry,
  ResourceStatus,
  ScopeLevel,
} from "../../ipc/bindings";
import { formatExpiry } from "../../shared/formatDate";

/** An enum value or Defender's cause as words: "OffByPolicy" → "Off by policy". */
export function words(value: string): string {
  const spaced = value.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export const LEVEL_LABELS: Record<ScopeLevel, string> = {
  ManagementGroup: "Management group",
  Subscription: "Subscription",
  ResourceGroup: "Resource group",
  Resource: "Resource",
};

/** The badge text of an expiry state. */
export function expiryStateText(state: ExpiryState): string {
  switch (state.kind) {
    case "never":
      return "No expiry";
    case "active":
      return "Active";
    case "expired":
      return "Expired";
    case "expiresSoon":
      return state.days === 0 ? "Expires today" : `Expires in ${state.days} ${state.days === 1 ? "day" : "days"}`;
  }
}

/** What the exemption exempts, in words. */
export function recommendationsText(entry: RegisterEntry): string {
  if (entry.recommendations.length === 0) return `Every recommendation of ${entry.initiativeName ?? "its initiative"}`;
  return entry.recommendations.map((r) => r.displayName).join(", ");
}

/** "2 Mar 2026, 10:20 by alex@contoso.com", or "Unknown". */
export function whoWhen(by: string | null, at: string | null): string {
  if (!by && !at) return "Unknown";
  const when = at ? formatExpiry(at) : null;
  if (by && when) return `${when} by ${by}`;
  return by ?? when ?? "Unknown";
}

export const ACTION_LABELS: Record<AuditAction, string> = {
  Created: "Created",
  Replaced: "Created, replacing one of the same name",
  Changed: "Changed",
  Deleted: "Deleted",
  Logged: "Logged",
};

export const STATE_LABELS: Record<ItemState, string> = {
  Planned: "Planned, not sent",
  Sending: "Being sent",
  Retrying: "Waiting to retry",
  Succeeded: "Succeeded",
  Failed: "Failed",
  Cancelled: "Cancelled",
  Changed: "Not sent: changed in Azure since the preview",
};

/** A resource's state as Defender shows it: "Exempt", "Unhealthy", "Not applicable (off by policy)". */
export function resourceStateText(status: ResourceStatus, cause: string | null, shownExempt: boolean): string {
  if (shownExempt) return "Exempt";
  const base = status === "Unknown" ? "Other status" : words(status);
  return cause ? `${base} (${words(cause).toLowerCase()})` : base;
}

/** A property value for a change line: text as is, anything else as JSON, absent as "(none)". */
export function changeValue(value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Azure's JSON indented for reading (key order and values kept); the text as is when it is not JSON. */
export function indented(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
