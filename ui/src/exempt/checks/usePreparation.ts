import { useCallback, useEffect, useRef, useState } from "react";
import { commands, type ErrorPayload, type ExemptionDraft, type Preparation } from "../../ipc/bindings";
import { toErrorPayload } from "../../shared/errors";

export const PREPARE_DEBOUNCE_MS = 400;

type State = { preparation: Preparation | null; for: ExemptionDraft | null; error: ErrorPayload | null };

/** Runs the backend's checks and plans the writes (nothing is sent) as the
 * draft changes, while it has no field errors; debounced, and a reply to an
 * older draft never replaces a newer one's. */
export function usePreparation(draft: ExemptionDraft, ready: boolean) {
  const [state, setState] = useState<State>({ preparation: null, for: null, error: null });
  const [running, setRunning] = useState(false);
  const sequence = useRef(0);

  const run = useCallback(async (d: ExemptionDraft): Promise<Preparation | null> => {
    const id = ++sequence.current;
    setRunning(true);
    try {
      const preparation = await commands.prepareExemption(d);
      if (id === sequence.current) setState({ preparation, for: d, error: null });
      return preparation;
    } catch (error) {
      const payload = toErrorPayload(error);
      if (id === sequence.current) setState({ preparation: null, for: d, error: payload });
      throw payload;
    } finally {
      if (id === sequence.current) setRunning(false);
    }
  }, []);

  useEffect(() => {
    if (!ready) {
      ++sequence.current;
      setRunning(false);
      return;
    }
    const timer = setTimeout(() => void run(draft).catch(() => {}), PREPARE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, ready, run]);

  const current = state.for === draft;
  return {
    /** The last preparation, possibly for an older draft (see `current`). */
    preparation: state.preparation,
    error: current ? state.error : null,
    /** The preparation is for exactly this draft. */
    current: current && state.preparation !== null,
    running,
    /** Prepares now (for Preview, or after granting Reader); rejects with an ErrorPayload. */
    prepareNow: run,
  };
}
