import type { DraftField, ErrorCode, ErrorPayload, FieldError } from "../ipc/bindings";

const FIELDS: readonly DraftField[] = [
  "recommendation",
  "scope",
  "name",
  "displayName",
  "expiresOn",
  "category",
  "description",
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Every command rejects with an `ErrorPayload` (its `code` one of the
 * backend's `ErrorCode`s); anything else (a bug, a missing IPC bridge, an
 * argument Tauri refused) is wrapped as `unknown` so the UI can always show a
 * message. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (isRecord(error) && typeof error.message === "string") {
    return {
      code: typeof error.code === "string" ? (error.code as ErrorCode) : "unknown",
      message: error.message,
      details: "details" in error ? error.details : null,
    };
  }
  if (typeof error === "string" && error.length > 0) {
    return { code: "unknown", message: error, details: null };
  }
  return { code: "unknown", message: "Something went wrong.", details: null };
}

/** The field errors carried in an error's `details`, when it is a list of them. */
export function fieldErrorsFromDetails(details: unknown): FieldError[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((item): FieldError[] => {
    if (
      isRecord(item) &&
      typeof item.field === "string" &&
      typeof item.message === "string" &&
      (FIELDS as readonly string[]).includes(item.field)
    ) {
      return [{ field: item.field as DraftField, message: item.message }];
    }
    return [];
  });
}
