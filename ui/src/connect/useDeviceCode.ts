import { useCallback, useEffect, useState } from "react";
import { events, type DeviceCodePrompt } from "../ipc/bindings";

/** The latest `device-code` prompt, listening while `active` (the whole time
 * the Connect screen is open, so an early event is not missed). */
export function useDeviceCode(active: boolean): { prompt: DeviceCodePrompt | null; clear: () => void } {
  const [prompt, setPrompt] = useState<DeviceCodePrompt | null>(null);
  useEffect(() => {
    if (!active) {
      setPrompt(null);
      return;
    }
    let unlisten: (() => void) | null = null;
    let stopped = false;
    void events.deviceCode
      .listen((e) => {
        if (!stopped) setPrompt(e.payload);
      })
      .then(
        (un) => {
          if (stopped) un();
          else unlisten = un;
        },
        () => {},
      );
    return () => {
      stopped = true;
      unlisten?.();
    };
  }, [active]);
  const clear = useCallback(() => setPrompt(null), []);
  return { prompt, clear };
}
