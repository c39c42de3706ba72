import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import type { ErrorPayload } from "../ipc/bindings";

type Props = {
  error: ErrorPayload;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
};

/** A command's error, as the user should see it; Retry when it makes sense. */
export function ErrorBar({ error, title, onRetry, retrying }: Props) {
  return (
    <MessageBar intent="error" layout="multiline" data-error-code={error.code}>
      <MessageBarBody>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {error.message}
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button size="small" onClick={onRetry} disabled={retrying}>
            {retrying ? "Retrying…" : "Retry"}
          </Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
