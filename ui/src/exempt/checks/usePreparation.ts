import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { commands, type ErrorPayload, type ExemptionDraft, type Preparation } from "../../ipc/bindings";
import { invalidate, queries } from "../../ipc/queries";
import { toErrorPayload } from "../../shared/errors";

/** Keystrokes closer together than this are prepared once. Preparing is
 * cheap when only the text changed (the backend reads Azure once per choice
 * of recommendation and scope), so this only coalesces a burst of typing. */
export const PREPARE_DEBOUNCE_MS = 120;

/** Runs the backend's checks and plans the writes (nothing is sent) on every
 * change of the draft, while it has no field errors. Each draft is its own
 * query, so a reply to an older draft never replaces a newer one's. */
export function usePreparation(draft: ExemptionDraft, ready: boolean) {
  const client = useQueryClient();
  /** The draft the checks run for: `draft`, once it has stayed put a moment. */
  const [target, setTarget] = useState<ExemptionDraft | null>(null);
  const [rechecking, setRechecking] = useState(false);
  const [recheckError, setRecheckError] = useState<ErrorPayload | null>(null);

  useEffect(() => {
    setRecheckError(null);
    if (!ready) {
      setTarget(null);
      return;
    }
    const timer = setTimeout(() => setTarget(draft), PREPARE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, ready]);

  const query = useQuery({
    ...queries.preparation(target ?? draft),
    enabled: target !== null,
    // While a newer draft is checked, the last answer stays on screen (marked not current).
    placeholderData: keepPreviousData,
  });

  const prepareNow = useCallback(
    async (d: ExemptionDraft): Promise<Preparation> => {
      setTarget(d);
      try {
        return await client.fetchQuery({ ...queries.preparation(d), staleTime: 0 });
      } catch (error) {
        throw toErrorPayload(error);
      }
    },
    [client],
  );

  /** "Check again": Azure is read anew for this draft's choice. */
  const recheck = useCallback(async () => {
    if (!ready) return;
    const d = draft;
    setRechecking(true);
    setRecheckError(null);
    try {
      const preparation = await commands.recheckExemption(d);
      invalidate.afterRecheck(client, d, preparation);
      setTarget(d);
    } catch (error) {
      setRecheckError(toErrorPayload(error));
    } finally {
      setRechecking(false);
    }
  }, [client, draft, ready]);

  const forThisDraft = target === draft && !query.isPlaceholderData;
  // A failed check of this draft leaves no preparation standing (not even an older answer to it).
  const failed = forThisDraft && query.isError;
  return {
    /** The last preparation, possibly for an older draft (see `current`). */
    preparation: failed ? null : (query.data ?? null),
    error: recheckError ?? (failed ? toErrorPayload(query.error) : null),
    /** The preparation is for exactly this draft. */
    current: forThisDraft && !failed && query.data !== undefined,
    running: rechecking || (target !== null && query.isFetching),
    /** Prepares now (for Preview); rejects with an ErrorPayload. */
    prepareNow,
    /** Reads Azure anew for the draft's choice (the checks section's "Check again"). */
    recheck: ready ? recheck : null,
  };
}
