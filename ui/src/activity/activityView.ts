import type { ActivityKind, ActivityQuery } from "../ipc/bindings";

/** The most lines the screen asks for at once; the export has the whole log. */
export const ACTIVITY_LIMIT = 10_000;

export const KIND_LABELS: Record<ActivityKind, string> = {
  SignIn: "Sign-in",
  SignOut: "Sign-out",
  Request: "Request",
  Decision: "Decision",
  Write: "Write",
  Delete: "Delete",
  Other: "Other",
};

export const KINDS = Object.keys(KIND_LABELS) as ActivityKind[];

/** The query for what the screen shows: the text trimmed, the kinds in a stable order. */
export function activityQuery(text: string, kinds: readonly ActivityKind[]): ActivityQuery {
  return { text: text.trim(), kinds: KINDS.filter((k) => kinds.includes(k)), limit: ACTIVITY_LIMIT };
}

/** An outcome that went wrong reads as such (the backend words it "Failed: …", "Rejected"). */
export const isBadOutcome = (outcome: string) => /^(failed|rejected|refused|error|denied)/i.test(outcome.trim());

/** When, to the second, in the user's time zone. */
export function formatWhen(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
