import { useEffect, useRef } from "react";
import { commands, type ExemptionDraft } from "../ipc/bindings";
import { withOffset } from "./draft";

export const AUTOSAVE_DEBOUNCE_MS = 500;

/** Saves the draft (debounced) each time the user changes it, so a crash or a
 * closed window loses nothing; the draft it starts with is not saved again. */
export function useDraftAutosave(values: ExemptionDraft, enabled: boolean) {
  const initial = useRef(values);
  useEffect(() => {
    if (!enabled || values === initial.current) return;
    const timer = setTimeout(() => {
      commands.saveDraft(withOffset(values)).catch(() => {
        // Saving is a convenience: the form keeps its values either way.
      });
    }, AUTOSAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [values, enabled]);
  /** Call after replacing the values wholesale (discard): don't save those. */
  return (next: ExemptionDraft) => {
    initial.current = next;
  };
}
