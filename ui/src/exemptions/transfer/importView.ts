import type {
  ImportError,
  ImportPreparation,
  ImportRow,
  ImportSource,
  RowAction,
  RowOutcome,
} from "../../ipc/bindings";

/** The column names as people read them (the file's header names stay as they are). */
export const COLUMN_WORDS: Record<string, string> = {
  scope: "Scope",
  name: "Name",
  displayName: "Display name",
  recommendationKeys: "Recommendation",
  category: "Category",
  expiresOn: "Expires on",
  description: "Description",
  ticket: "Ticket",
};

export const ACTION_WORDS: Record<RowAction, string> = {
  create: "Create",
  update: "Update",
  unchanged: "No change",
  excluded: "Excluded",
  invalid: "Has errors",
};

/** "Row 5, Name (name): …" — where an error is, as the spreadsheet shows it. */
export function errorPlace(e: ImportError): string {
  const parts: string[] = [];
  if (e.row !== null) parts.push(`Row ${e.row}`);
  if (e.column) parts.push(`column ${e.column}`);
  return parts.join(", ");
}

/** The file's bytes from text pasted into the dialog (UTF-8, as the import expects). */
export function pastedSource(text: string): ImportSource {
  return { kind: "contents", bytes: Array.from(new TextEncoder().encode(text)) };
}

/** The file's bytes from a file dropped or picked in the window. */
export async function fileSource(file: Blob): Promise<ImportSource> {
  return { kind: "contents", bytes: Array.from(new Uint8Array(await file.arrayBuffer())) };
}

/** Each row with what the import does with it. */
export type ReportLine = { row: ImportRow; outcome: RowOutcome | null };

export function reportLines(p: ImportPreparation): ReportLine[] {
  const byRow = new Map(p.outcomes.map((o) => [o.row, o]));
  return p.report.rows.map((row) => ({ row, outcome: byRow.get(row.row) ?? null }));
}

/** Rows that break a rule and are not excluded yet. */
export function invalidRows(p: ImportPreparation): number[] {
  return p.outcomes.filter((o) => o.action === "invalid").map((o) => o.row);
}

/** "18 rows: 15 to create, 3 to update; 2 excluded". */
export function importSummary(p: ImportPreparation): string {
  const count = (a: RowAction) => p.outcomes.filter((o) => o.action === a).length;
  const rows = p.report.rows.length;
  const parts = [
    count("create") ? `${count("create")} to create` : null,
    count("update") ? `${count("update")} to update` : null,
    count("unchanged") ? `${count("unchanged")} already as the file says` : null,
    count("excluded") ? `${count("excluded")} excluded` : null,
    count("invalid") ? `${count("invalid")} with errors` : null,
  ].filter((p): p is string => p !== null);
  return `${rows} row${rows === 1 ? "" : "s"}${parts.length ? `: ${parts.join(", ")}` : ""}`;
}
