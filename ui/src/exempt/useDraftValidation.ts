import { useCallback, useEffect, useRef, useState } from "react";
import { commands, type ErrorPayload, type ExemptionDraft, type FieldError } from "../ipc/bindings";
import { toErrorPayload } from "../shared/errors";

/** Asks the backend to validate the draft on every change, at once: the
 * command is local (no Azure read) and answers well within a frame; a reply
 * to an older draft never overwrites the reply to a newer one. */
export function useDraftValidation(draft: ExemptionDraft) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<ErrorPayload | null>(null);
  /** The draft `errors` were computed for. */
  const [validated, setValidated] = useState<ExemptionDraft | null>(null);
  const sequence = useRef(0);

  useEffect(() => {
    const id = ++sequence.current;
    commands.validateExemption(draft).then(
      (result) => {
        if (id !== sequence.current) return;
        setErrors(result);
        setValidated(draft);
        setFailure(null);
      },
      (error: unknown) => {
        if (id === sequence.current) setFailure(toErrorPayload(error));
      },
    );
  }, [draft]);

  /** Validates now, for Create; throws the command's error. */
  const validateNow = useCallback(async (d: ExemptionDraft) => {
    const id = ++sequence.current;
    const result = await commands.validateExemption(d);
    if (id === sequence.current) {
      setErrors(result);
      setValidated(d);
      setFailure(null);
    }
    return result;
  }, []);

  /** Shows errors that came from elsewhere (a refused create) until the next change. */
  const replaceErrors = useCallback((next: FieldError[]) => {
    ++sequence.current;
    setErrors(next);
    setValidated(null);
  }, []);

  return { errors, validated, failure, validateNow, replaceErrors };
}
