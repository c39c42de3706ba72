import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { events } from "../ipc/bindings";

/** The app's screens, as the navigation lists them. */
export type Screen = "recommendations" | "exemptions" | "settings";

/** What the register should show when another screen opens it: a
 * recommendation's exemptions, the ones expiring soon, or given exemptions. */
export type RegisterSeed = {
  recommendationKey?: string;
  expiringSoon?: boolean;
  exemptionIds?: string[];
};

export type Navigation = {
  screen: Screen;
  go: (screen: Screen) => void;
  /** Shows the register filtered by `seed` (a new seed each call, so the same one can be opened twice). */
  openRegister: (seed?: RegisterSeed) => void;
  /** The seed of the last `openRegister`, for the register to apply once. */
  registerSeed: { seed: RegisterSeed; at: number } | null;
};

const NavigationContext = createContext<Navigation>({
  screen: "recommendations",
  go: () => {},
  openRegister: () => {},
  registerSeed: null,
});

export const useNavigation = () => useContext(NavigationContext);

/** Holds which screen shows, for every screen that sends the user elsewhere. */
export function NavigationProvider({ children }: { children: ReactNode }) {
  const [screen, setScreen] = useState<Screen>("recommendations");
  const [registerSeed, setRegisterSeed] = useState<Navigation["registerSeed"]>(null);
  const navigation = useMemo<Navigation>(
    () => ({
      screen,
      go: setScreen,
      openRegister: (seed = {}) => {
        setRegisterSeed({ seed, at: Date.now() });
        setScreen("exemptions");
      },
      registerSeed,
    }),
    [screen, registerSeed],
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
  return <NavigationContext.Provider value={navigation}>{children}</NavigationContext.Provider>;
}
