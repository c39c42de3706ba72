import type { ChangeRequest, Exemption, ExemptionCategory } from "../../ipc/bindings";
import { utcOffsetFor } from "../../exempt/draft";

/** The four actions on existing exemptions. */
export type ActionKind = "extend" | "edit" | "removeExpiry" | "delete";

export type ExtendForm = { mode: "to" | "by"; date: string; days: string };

/** The edit form: a field left as it started is not changed. With one
 * exemption it starts at its values (clearing a field removes it); with many
 * it starts empty (empty leaves each one's own value). */
export type EditForm = {
  displayName: string;
  description: string;
  category: ExemptionCategory | "";
  expiresOn: string;
  ticket: string;
};

export type FormErrors = Partial<Record<"date" | "days" | keyof EditForm, string>>;

/** Azure's limits (UTF-16 units), the same the backend enforces. */
export const DISPLAY_NAME_MAX = 128;
export const DESCRIPTION_MAX = 512;
export const TICKET_MAX = 128;
export const EXTEND_DAYS_MAX = 36600;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today in the user's time zone, `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]);
}

function dateError(text: string, now: Date): string | undefined {
  if (text.trim() === "") return "Choose a day.";
  if (!isDate(text)) return `"${text.slice(0, 40)}" is not a date (use YYYY-MM-DD).`;
  if (text < localToday(now)) return "The day is in the past; choose today or a later day.";
  return undefined;
}

const units = (text: string) => text.length; // JS strings are UTF-16: Azure's count

/** The edit form's starting values for these exemptions. The list does not
 * carry the ticket reference, so it starts empty: empty leaves it as it is. */
export function editStart(selected: readonly Exemption[]): EditForm {
  const one = selected.length === 1 ? selected[0] : undefined;
  if (!one) return { displayName: "", description: "", category: "", expiresOn: "", ticket: "" };
  return {
    displayName: one.displayName ?? "",
    description: one.description ?? "",
    category: one.category ?? "",
    expiresOn: one.expiresOn ? localToday(new Date(one.expiresOn)) : "",
    ticket: "",
  };
}

export function extendErrors(form: ExtendForm, now: Date = new Date()): FormErrors {
  if (form.mode === "to") {
    const date = dateError(form.date, now);
    return date ? { date } : {};
  }
  const days = Number(form.days);
  if (!/^\d+$/.test(form.days.trim()) || days < 1 || days > EXTEND_DAYS_MAX) {
    return { days: `Enter a whole number of days from 1 to ${EXTEND_DAYS_MAX}.` };
  }
  return {};
}

export function editErrors(form: EditForm, start: EditForm, now: Date = new Date()): FormErrors {
  const errors: FormErrors = {};
  if (units(form.displayName) > DISPLAY_NAME_MAX)
    errors.displayName = `Display name is ${units(form.displayName)} characters; the limit is ${DISPLAY_NAME_MAX}.`;
  if (units(form.description) > DESCRIPTION_MAX)
    errors.description = `Description is ${units(form.description)} characters; the limit is ${DESCRIPTION_MAX}.`;
  if (units(form.ticket) > TICKET_MAX)
    errors.ticket = `Ticket reference is ${units(form.ticket)} characters; the limit is ${TICKET_MAX}.`;
  if (form.expiresOn !== start.expiresOn) {
    const e = form.expiresOn === "" ? "To remove the expiry, use Remove expiry." : dateError(form.expiresOn, now);
    if (e) errors.expiresOn = e;
  }
  return errors;
}

/** True when the edit changes nothing. */
export function editIsEmpty(form: EditForm, start: EditForm): boolean {
  return (Object.keys(form) as (keyof EditForm)[]).every((k) => form[k] === start[k]);
}

export type ActionForm =
  | { kind: "extend"; form: ExtendForm }
  | { kind: "edit"; form: EditForm; start: EditForm }
  | { kind: "removeExpiry" }
  | { kind: "delete" };

/** The request the backend checks and previews; `null` while the form has errors or changes nothing. */
export function toChangeRequest(
  ids: readonly string[],
  action: ActionForm,
  now: Date = new Date(),
): ChangeRequest | null {
  const exemptionIds = [...ids];
  if (exemptionIds.length === 0) return null;
  switch (action.kind) {
    case "delete":
      return { exemptionIds, change: { kind: "delete" } };
    case "removeExpiry":
      return { exemptionIds, change: { kind: "removeExpiry" } };
    case "extend": {
      const { form } = action;
      if (Object.keys(extendErrors(form, now)).length > 0) return null;
      if (form.mode === "by") return { exemptionIds, change: { kind: "extendBy", days: Number(form.days) } };
      return { exemptionIds, change: { kind: "extendTo", date: form.date, utcOffsetMinutes: utcOffsetFor(form.date) } };
    }
    case "edit": {
      const { form, start } = action;
      if (Object.keys(editErrors(form, start, now)).length > 0 || editIsEmpty(form, start)) return null;
      const changed = <K extends keyof EditForm>(k: K) => (form[k] === start[k] ? null : form[k]);
      const expiresOn = changed("expiresOn");
      const category = changed("category");
      return {
        exemptionIds,
        change: {
          kind: "edit",
          displayName: changed("displayName"),
          description: changed("description"),
          category: category === "" ? null : category,
          expiresOn: expiresOn ? { date: expiresOn, utcOffsetMinutes: utcOffsetFor(expiresOn) } : null,
          ticket: changed("ticket"),
        },
      };
    }
  }
}

export type FieldChange = { field: string; before: unknown; after: unknown };

const props = (exemption: unknown): Record<string, unknown> => {
  const p = (exemption as { properties?: unknown } | null)?.properties;
  return p && typeof p === "object" ? (p as Record<string, unknown>) : {};
};

function diff(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: FieldChange[] = [];
  for (const key of keys) {
    const b = before[key];
    const a = after[key];
    if (key === "metadata" && !prefix && b && a && typeof b === "object" && typeof a === "object") {
      out.push(...diff(b as Record<string, unknown>, a as Record<string, unknown>, "metadata."));
    } else if (JSON.stringify(b) !== JSON.stringify(a)) {
      out.push({ field: `${prefix}${key}`, before: b, after: a });
    }
  }
  return out;
}

/** What a PUT changes in the exemption as read (a DELETE changes it all). */
export function writeChanges(asRead: unknown, body: unknown): FieldChange[] {
  return diff(props(asRead), props(body));
}

export const ACTION_TITLE: Record<ActionKind, string> = {
  extend: "Extend",
  edit: "Edit",
  removeExpiry: "Remove expiry",
  delete: "Delete",
};

/** "Extend 2 exemptions" and the like. */
export function actionHeadline(kind: ActionKind, count: number): string {
  const noun = `${count} exemption${count === 1 ? "" : "s"}`;
  return `${ACTION_TITLE[kind]} ${noun}`;
}
