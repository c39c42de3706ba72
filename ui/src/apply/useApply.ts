import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { invalidate } from "../ipc/queries";
import { applyStore, type ApplyView } from "./applyStore";

/** One apply as it progresses; showing it marks it as watched. */
export function useApply(id: string | null, watch = true): ApplyView | null {
  const view = useSyncExternalStore(applyStore.subscribe, () => applyStore.view(id));
  useEffect(() => {
    if (!id || !watch) return;
    applyStore.track(id);
    return applyStore.watch(id);
  }, [id, watch]);
  return view;
}

/** Every apply this window follows. */
export function useApplies(): ApplyView[] {
  return useSyncExternalStore(applyStore.subscribe, applyStore.all);
}

/** Reads again what an apply changed once it finishes, wherever it is shown
 * (or not shown): mounted once, at the top of the app. */
export function useRefreshAfterApplies() {
  const client = useQueryClient();
  useEffect(
    () =>
      applyStore.onFinished((view) => invalidate.afterApply(client, view.id, view.report?.recommendationKey ?? null)),
    [client],
  );
}
