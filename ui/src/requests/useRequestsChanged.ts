import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { events } from "../ipc/bindings";
import { invalidate } from "../ipc/queries";

/** The backend's watch of the request table saw news (a new request waits, one
 * was decided): every view of the requests is read again. Mounted once, in the navigation. */
export function useRequestsChanged() {
  const client = useQueryClient();
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    events.requestsChanged
      .listen(() => invalidate.afterRequestChange(client))
      .then(
        (stop) => {
          if (gone) stop();
          else unlisten = stop;
        },
        () => {
          // No Tauri event channel (a plain browser): nothing to listen to.
        },
      );
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [client]);
}
