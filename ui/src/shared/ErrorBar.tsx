import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
} from "@fluentui/react-components";
import type { ErrorPayload } from "../ipc/bindings";
import { SIGN_IN_ERROR_CODES, useSignInAgain } from "./signInAgain";

type Props = {
  error: ErrorPayload;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
};

const useStyles = makeStyles({
  // Entra's messages carry long unbroken ids and URLs: wrap them inside the bar.
  body: { overflowWrap: "anywhere", minWidth: 0 },
});

/** A command's error, as the user should see it; Retry when it makes sense,
 * and "Sign in again" when the sign-in has lapsed (an expired refresh token). */
export function ErrorBar({ error, title, onRetry, retrying }: Props) {
  const styles = useStyles();
  const signInAgain = useSignInAgain();
  const lapsed = signInAgain !== null && SIGN_IN_ERROR_CODES.includes(error.code);
  return (
    <MessageBar intent="error" layout="multiline" data-error-code={error.code}>
      <MessageBarBody className={styles.body}>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {error.message}
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
              {retrying ? "Retrying…" : "Retry"}
            </Button>
          ) : null}
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
