import type { DraftField, FieldError } from "../ipc/bindings";

/** The messages for one field, joined for a Field's validationMessage. */
export function messagesFor(errors: readonly FieldError[], field: DraftField): string | undefined {
  const messages = errors.filter((e) => e.field === field).map((e) => e.message);
  return messages.length > 0 ? messages.join(" ") : undefined;
}
