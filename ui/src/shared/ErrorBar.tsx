import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Link,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";
import type { ErrorPayload } from "../ipc/bindings";
import { SIGN_IN_ERROR_CODES, useSignInAgain } from "./signInAgain";

type Props = {
  error: ErrorPayload;
  title?: string;
  onRetry?: () => void;
  /** The retry button's label (default "Retry"). */
  retryLabel?: string;
  retrying?: boolean;
};

const useStyles = makeStyles({
  // Entra's messages carry long unbroken ids and URLs: wrap them inside the bar.
  body: { overflowWrap: "anywhere", minWidth: 0 },
  entra: {
    display: "block",
    marginTop: tokens.spacingVerticalXS,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    userSelect: "text",
  },
});

/** The text kept behind the advice, if any: Entra's own words behind a
 * sign-in refusal (AADSTS code, trace ids), or the technical text behind a
 * network or keyring failure; with the link that shows it. */
export function behindTheAdvice(error: ErrorPayload): { text: string; show: string; hide: string } | null {
  const details = error.details as { entra?: unknown; technical?: unknown } | null;
  if (typeof details?.entra === "string" && details.entra)
    return { text: details.entra, show: "Entra's message", hide: "Hide Entra's message" };
  if (typeof details?.technical === "string" && details.technical)
    return { text: details.technical, show: "Technical details", hide: "Hide technical details" };
  return null;
}

/** A command's error, as the user should see it; Retry when it makes sense,
 * and "Sign in again" when the sign-in has lapsed (an expired refresh token). */
export function ErrorBar({ error, title, onRetry, retryLabel = "Retry", retrying }: Props) {
  const styles = useStyles();
  const signInAgain = useSignInAgain();
  const lapsed = signInAgain !== null && SIGN_IN_ERROR_CODES.includes(error.code);
  const behind = behindTheAdvice(error);
  const [showBehind, setShowBehind] = useState(false);
  return (
    <MessageBar intent="error" layout="multiline" data-error-code={error.code}>
      <MessageBarBody className={styles.body}>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {error.message}
        {behind ? (
          <>
            {" "}
            <Link as="button" inline onClick={() => setShowBehind((v) => !v)} aria-expanded={showBehind}>
              {showBehind ? behind.hide : behind.show}
            </Link>
            {showBehind ? <span className={styles.entra}>{behind.text}</span> : null}
          </>
        ) : null}
      </MessageBarBody>
      {onRetry || lapsed ? (
        <MessageBarActions>
          {lapsed ? (
            <Button size="small" appearance="primary" onClick={signInAgain}>
              Sign in again
            </Button>
          ) : null}
          {onRetry ? (
            <Button size="small" onClick={onRetry} disabled={retrying}>
              {retrying ? "Retrying…" : retryLabel}
            </Button>
          ) : null}
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
