import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { SessionInfo } from "../ipc/bindings";
import { invalidate } from "../ipc/queries";

/** After the session changed (sign in, use a profile, the demo): the new
 * session goes straight into the header, everything else is fetched again. */
export function useSessionSwitched() {
  const queryClient = useQueryClient();
  return useCallback(
    (info: SessionInfo) => {
      invalidate.afterSessionSwitch(queryClient, info);
    },
    [queryClient],
  );
}
