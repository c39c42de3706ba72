import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { SessionInfo } from "../ipc/bindings";
import { queryKeys } from "../shared/queries";

/** After the session changed (sign in, use a profile, the demo): the new
 * session goes straight into the header, everything else is fetched again. */
export function useSessionSwitched() {
  const queryClient = useQueryClient();
  return useCallback(
    (info: SessionInfo) => {
      queryClient.setQueryData(queryKeys.session, info);
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
    },
    [queryClient],
  );
}
