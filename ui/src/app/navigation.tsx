import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { commands, events, type OpenTarget } from "../ipc/bindings";

/** The app's screens, as the navigation lists them. */
export type Screen = "recommendations" | "exemptions" | "requests" | "activity" | "settings";

/** What the register should show when another screen opens it: a
 * recommendation's exemptions, the ones expiring soon, or given exemptions. */
export type RegisterSeed = {
  recommendationKey?: string;
  expiringSoon?: boolean;
  exemptionIds?: string[];
};

/** What the Requests screen should open when another part of the app (or a
 * deep link, or a request file opened from outside) sends the user there. */
export type RequestSeed = { requestId?: string; file?: string };

export type Navigation = {
  screen: Screen;
  go: (screen: Screen) => void;
  /** Shows the register filtered by `seed` (a new seed each call, so the same one can be opened twice). */
  openRegister: (seed?: RegisterSeed) => void;
  /** The seed of the last `openRegister`, for the register to apply once. */
  registerSeed: { seed: RegisterSeed; at: number } | null;
  /** Shows the Requests screen, opening a request or a request file. */
  openRequest: (seed?: RequestSeed) => void;
  /** The seed of the last `openRequest`, for the Requests screen to apply once. */
  requestSeed: { seed: RequestSeed; at: number } | null;
  /** Why something opened from outside (a link, a file) could not be opened; null when nothing to say. */
  openRefused: string | null;
  dismissOpenRefused: () => void;
};

const NavigationContext = createContext<Navigation>({
  screen: "recommendations",
  go: () => {},
  openRegister: () => {},
  registerSeed: null,
  openRequest: () => {},
  requestSeed: null,
  openRefused: null,
  dismissOpenRefused: () => {},
});

export const useNavigation = () => useContext(NavigationContext);

/** Holds which screen shows, for every screen that sends the user elsewhere. */
export function NavigationProvider({ children }: { children: ReactNode }) {
  const [screen, setScreen] = useState<Screen>("recommendations");
  const [registerSeed, setRegisterSeed] = useState<Navigation["registerSeed"]>(null);
  const [requestSeed, setRequestSeed] = useState<Navigation["requestSeed"]>(null);
  const [openRefused, setOpenRefused] = useState<string | null>(null);
  const navigation = useMemo<Navigation>(
    () => ({
      screen,
      go: setScreen,
      openRegister: (seed = {}) => {
        setRegisterSeed({ seed, at: Date.now() });
        setScreen("exemptions");
      },
      registerSeed,
      openRequest: (seed = {}) => {
        setRequestSeed({ seed, at: Date.now() });
        setScreen("requests");
      },
      requestSeed,
      openRefused,
      dismissOpenRefused: () => setOpenRefused(null),
    }),
    [screen, registerSeed, requestSeed, openRefused],
  );
  // A click on an expiry reminder (the desktop notification) opens the register at what expires soon.
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    events.openExpiring
      .listen(() => {
        setRegisterSeed({ seed: { expiringSoon: true }, at: Date.now() });
        setScreen("exemptions");
      })
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
  }, []);
  // A deep link, a request file or a second launch's arguments, handed over by the backend;
  // once listening, what the first launch was asked to open (it waited for the window).
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let gone = false;
    const open = (target: OpenTarget) => {
      switch (target.kind) {
        case "exemption":
          setRegisterSeed({ seed: { exemptionIds: [target.id] }, at: Date.now() });
          setScreen("exemptions");
          break;
        case "request":
          setRequestSeed({ seed: { requestId: target.id }, at: Date.now() });
          setScreen("requests");
          break;
        case "requestFile":
          setRequestSeed({ seed: { file: target.path }, at: Date.now() });
          setScreen("requests");
          break;
        case "refused":
          setOpenRefused(target.message);
          break;
      }
    };
    events.openTarget
      .listen(({ payload }) => open(payload))
      .then(
        async (stop) => {
          if (gone) {
            stop();
            return;
          }
          unlisten = stop;
          const waiting = await commands.pendingOpenTargets();
          if (!gone) waiting.forEach(open);
        },
        () => {
          // No Tauri event channel (a plain browser): nothing to listen to.
        },
      )
      .catch(() => {
        // The backend could not say what waited: nothing to open.
      });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, []);
  return <NavigationContext.Provider value={navigation}>{children}</NavigationContext.Provider>;
}
