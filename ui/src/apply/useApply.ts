import { useEffect, useSyncExternalStore } from "react";
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
