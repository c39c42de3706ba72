import type { DraftField, ExemptionDraft, FieldError } from "../ipc/bindings";

export const DESCRIPTION_MAX = 512;

/** A fresh draft for one recommendation: nothing chosen, no expiry. */
export function emptyDraft(recommendationKey: string): ExemptionDraft {
  return {
    recommendationKey,
    scope: { kind: "subscriptions", ids: [] },
    name: "",
    displayName: "",
    expiresOn: null,
    utcOffsetMinutes: utcOffsetFor(null),
    category: null,
    description: "",
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The user's UTC offset (minutes, east positive) at the moment the exemption
 * ends — the last second of the chosen day — so a DST change between today and
 * that day is accounted for. Today's offset when there is no valid date. */
export function utcOffsetFor(expiresOn: string | null, now: Date = new Date()): number {
  const m = expiresOn ? DATE.exec(expiresOn) : null;
  const at = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59) : now;
  const offset = -at.getTimezoneOffset();
  return Number.isNaN(offset) ? -now.getTimezoneOffset() : offset + 0; // `+ 0` turns -0 into 0
}

/** The draft exactly as it is sent: the offset recomputed for the chosen day. */
export function withOffset(draft: ExemptionDraft): ExemptionDraft {
  return { ...draft, utcOffsetMinutes: utcOffsetFor(draft.expiresOn) };
}

/** What only the form can know: the expiration switch is on but no day is
 * chosen (the backend reads an empty date as "no expiry"). */
export function formOnlyErrors(draft: ExemptionDraft): FieldError[] {
  if (draft.expiresOn !== null && draft.expiresOn.trim() === "") {
    return [{ field: "expiresOn", message: "Choose the day it expires, or turn off the expiration date." }];
  }
  return [];
}

/** The order fields appear in the form, for focusing the first invalid one. */
export const FIELD_ORDER: readonly DraftField[] = [
  "recommendation",
  "scope",
  "name",
  "displayName",
  "expiresOn",
  "category",
  "description",
];
