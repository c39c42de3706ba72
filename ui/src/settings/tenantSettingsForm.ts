import type { ApprovalRequirement, ErrorPayload, TenantSettings } from "../ipc/bindings";

/** The longest maximum expiry the backend accepts, in days. */
export const MAX_EXPIRY_DAYS = 3650;

/** The request settings as typed: text until saved. */
export type TenantForm = {
  useTable: boolean;
  endpoint: string;
  table: string;
  approval: ApprovalRequirement;
  maxExpiryDays: string;
  ticketRequired: boolean;
};

export type TenantField = "endpoint" | "table" | "maxExpiryDays";

export const toTenantForm = (s: TenantSettings): TenantForm => ({
  useTable: s.requestTable !== null,
  endpoint: s.requestTable?.endpoint ?? "",
  table: s.requestTable?.table ?? "",
  approval: s.policy.approval,
  maxExpiryDays: s.policy.maxExpiryDays === null ? "" : String(s.policy.maxExpiryDays),
  ticketRequired: s.policy.ticketRequired,
});

/** What the window can say before asking the backend (which validates everything again). */
export function formErrors(f: TenantForm): Partial<Record<TenantField, string>> {
  const errors: Partial<Record<TenantField, string>> = {};
  if (f.useTable && f.endpoint.trim() === "") errors.endpoint = "Enter the table service's endpoint.";
  if (f.useTable && f.table.trim() === "") errors.table = "Enter the table's name.";
  const days = f.maxExpiryDays.trim();
  if (days !== "" && (!/^\d+$/.test(days) || Number(days) < 1 || Number(days) > MAX_EXPIRY_DAYS))
    errors.maxExpiryDays = `Enter whole days from 1 to ${MAX_EXPIRY_DAYS}, or leave it empty for no maximum.`;
  return errors;
}

export function toTenantSettings(f: TenantForm): TenantSettings {
  const days = f.maxExpiryDays.trim();
  return {
    requestTable: f.useTable ? { endpoint: f.endpoint.trim(), table: f.table.trim() } : null,
    policy: {
      approval: f.approval,
      maxExpiryDays: days === "" ? null : Number(days),
      ticketRequired: f.ticketRequired,
    },
  };
}

const FIELD_NAMES: Record<string, TenantField> = {
  endpoint: "endpoint",
  table: "table",
  maxexpirydays: "maxExpiryDays",
  max_expiry_days: "maxExpiryDays",
};

/** The backend's messages for given fields (its `details`: a list of
 * `{field, message}`, or an object of field → message; a field may be a path
 * such as `requestTable.endpoint`). Messages it names no field for stay in the error bar. */
export function fieldMessages(error: ErrorPayload | null): Partial<Record<TenantField, string>> {
  const out: Partial<Record<TenantField, string>> = {};
  const details = error?.details;
  const put = (field: unknown, message: unknown) => {
    if (typeof field !== "string" || typeof message !== "string") return;
    const key = FIELD_NAMES[(field.split(/[./]/).pop() ?? "").toLowerCase()];
    if (key && !out[key]) out[key] = message;
  };
  if (Array.isArray(details)) {
    for (const d of details)
      if (d && typeof d === "object") put((d as { field?: unknown }).field, (d as { message?: unknown }).message);
  } else if (details && typeof details === "object") {
    const d = details as Record<string, unknown>;
    if ("field" in d) put(d.field, d.message ?? error?.message);
    else for (const [k, v] of Object.entries(d)) put(k, v);
  }
  return out;
}
