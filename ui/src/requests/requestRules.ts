import type { Check, ExemptionRequest, Preparation, RequestState } from "../ipc/bindings";

/** Failed checks that asking someone else gets past: the user may not write
 * (`Permissions`), or the tenant's policy demands approval (`Approval`, added to
 * `CheckKind` by the requests backend; a string here until the bindings have it).
 * A too-long expiry (`MaxExpiry`) the user fixes in the form. */
const REQUESTABLE: ReadonlySet<string> = new Set(["Permissions", "Approval"]);

export function isRequestable(check: Check): boolean {
  return REQUESTABLE.has(check.kind);
}

const failedChecks = (p: Preparation) => p.checks.filter((c) => c.status === "Failed");

/** The draft can be asked for: there is a plan to ask for, and nothing failed
 * but what an approver can get past. */
export function mayRequest(p: Preparation): boolean {
  return p.writes.length > 0 && failedChecks(p).every(isRequestable);
}

/** Requesting is the only way: a check only an approver gets past failed. */
export function requestOnly(p: Preparation): boolean {
  const failed = failedChecks(p);
  return p.writes.length > 0 && failed.length > 0 && failed.every(isRequestable);
}

export const STATE_LABELS: Record<RequestState, string> = {
  Pending: "Pending",
  Approved: "Approved, applying",
  Applied: "Applied",
  PartlyApplied: "Partly applied",
  Failed: "Failed",
  Rejected: "Rejected",
  Withdrawn: "Withdrawn",
  ChangesRequested: "Changes requested",
};

export const STATE_COLORS: Record<RequestState, "informative" | "brand" | "success" | "warning" | "danger" | "subtle"> =
  {
    Pending: "informative",
    Approved: "brand",
    Applied: "success",
    PartlyApplied: "warning",
    Failed: "danger",
    Rejected: "danger",
    Withdrawn: "subtle",
    ChangesRequested: "warning",
  };

/** A ticket that is a web address (shown as one), not a reference like `CHG-1042`. */
export function isWebLink(ticket: string): boolean {
  if (!/^https?:\/\//i.test(ticket)) return false;
  try {
    return new URL(ticket).hostname.length > 0;
  } catch {
    return false;
  }
}

/** How long ago a request was made, in the largest whole unit: "just now", "5 min", "3 h", "12 d". */
export function ageText(requestedAt: string, now = Date.now()): string {
  const at = Date.parse(requestedAt);
  if (Number.isNaN(at)) return "—";
  const minutes = Math.max(0, Math.floor((now - at) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** Limits the backend also enforces (a table string property holds 32,768 UTF-16 units). */
export const JUSTIFICATION_MAX = 4000;
export const TICKET_MAX = 512;

export function justificationError(text: string): string | null {
  if (text.trim() === "") return "Say why this exemption is needed.";
  if (text.length > JUSTIFICATION_MAX) return `Keep it under ${JUSTIFICATION_MAX} characters.`;
  return null;
}

export function ticketError(text: string, required: boolean): string | null {
  if (required && text.trim() === "") return "This tenant requires a ticket reference or link.";
  if (text.length > TICKET_MAX) return `Keep it under ${TICKET_MAX} characters.`;
  return null;
}

/** The ticket to send: trimmed, none when empty. */
export const ticketOrNull = (text: string) => (text.trim() === "" ? null : text.trim());

/** The requester may take it back. */
export const mayWithdraw = (r: ExemptionRequest) => r.state === "Pending" || r.state === "ChangesRequested";

/** An expiry date (`YYYY-MM-DD`) the approver may choose: no later than the requested one. */
export function approverExpiryError(chosen: string, requested: string | null): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(chosen)) return "Choose a date.";
  if (requested !== null && chosen > requested) return `No later than the requested ${requested}.`;
  return null;
}
