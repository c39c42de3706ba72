import { createContext, useContext, type ReactNode } from "react";
import type { ErrorCode } from "../ipc/bindings";

/** Error codes that mean the session's sign-in no longer works. */
export const SIGN_IN_ERROR_CODES: readonly ErrorCode[] = [
  "sign_in",
  "sign_in_stopped",
  "unauthenticated",
  "cli_not_signed_in",
];

const SignInAgain = createContext<(() => void) | null>(null);

/** Lets any error bar offer "Sign in again" (opens Connect; drafts are autosaved, so nothing typed is lost). */
export function SignInAgainProvider({ onSignIn, children }: { onSignIn: () => void; children: ReactNode }) {
  return <SignInAgain.Provider value={onSignIn}>{children}</SignInAgain.Provider>;
}

/** Inside Connect itself: its errors offer no "Sign in again" (the user is already there). */
export function WithoutSignInAgain({ children }: { children: ReactNode }) {
  return <SignInAgain.Provider value={null}>{children}</SignInAgain.Provider>;
}

export function useSignInAgain(): (() => void) | null {
  return useContext(SignInAgain);
}
