import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import type { ExemptionDraft, Preparation } from "../../ipc/bindings";
import { queries } from "../../ipc/queries";
import { toErrorPayload } from "../../shared/errors";

export const PREPARE_DEBOUNCE_MS = 400;

/** Runs the backend's checks and plans the writes (nothing is sent) as the
 * draft changes, while it has no field errors; debounced. Each draft is its
 * own query, so a reply to an older draft never replaces a newer one's. */
export function usePreparation(draft: ExemptionDraft, ready: boolean) {
  const client = useQueryClient();
  /** The draft the checks run for: `draft`, once it has stayed put a moment. */
  const [target, setTarget] = useState<ExemptionDraft | null>(null);

  useEffect(() => {
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

  const forThisDraft = target === draft && !query.isPlaceholderData;
  // A failed check of this draft leaves no preparation standing (not even an older answer to it).
  const failed = forThisDraft && query.isError;
  return {
    /** The last preparation, possibly for an older draft (see `current`). */
    preparation: failed ? null : (query.data ?? null),
    error: failed ? toErrorPayload(query.error) : null,
    /** The preparation is for exactly this draft. */
    current: forThisDraft && !failed && query.data !== undefined,
    running: target !== null && query.isFetching,
    /** Prepares now (for Preview); rejects with an ErrorPayload. */
    prepareNow,
  };
}
