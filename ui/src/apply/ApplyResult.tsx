import { Button, MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowRepeatAllRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { describeScope } from "../shared/scopeNames";
import { applyStore, type ApplyView } from "./applyStore";
import { EffectStatus } from "./EffectStatus";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  failures: { margin: 0, paddingLeft: tokens.spacingHorizontalL, overflowWrap: "anywhere" },
  actions: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

const SHOWN_FAILURES = 10;

type Props = {
  view: ApplyView;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
  onAnother: () => void;
  onClose: () => void;
};

/** What happened: what succeeded, what failed and why, and what to do next. */
export function ApplyResult({ view, subscriptions, groups, onAnother, onClose }: Props) {
  const styles = useStyles();
  const [retrying, setRetrying] = useState(false);
  // Focus moves to the result when the apply ends (the Cancel button that
  // held it is gone), so a screen reader reads it and Escape still closes.
  const root = useRef<HTMLElement>(null);
  useEffect(() => root.current?.focus({ preventScroll: false }), []);
  const failed = view.items.filter((i) => i.state === "Failed");
  const s = (n: number) => (n === 1 ? "" : "s");
  const retry = async () => {
    setRetrying(true);
    try {
      await applyStore.retryFailed(view.id);
    } finally {
      setRetrying(false);
    }
  };
  return (
    <section className={styles.root} data-testid="create-result" aria-label="Result" tabIndex={-1} ref={root}>
      {view.failed === 0 && view.cancelled === 0 ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              Created {view.succeeded} exemption{s(view.succeeded)}
            </MessageBarTitle>
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent={view.failed > 0 ? "error" : "warning"} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              Created {view.succeeded} of {view.total} exemption{s(view.total)}
            </MessageBarTitle>
            {view.failed > 0 ? ` ${view.failed} failed. ` : ""}
            {view.cancelled > 0 ? `${view.cancelled} cancelled before they were sent.` : ""}
            {failed.length > 0 ? (
              <ul className={styles.failures} data-testid="failures">
                {failed.slice(0, SHOWN_FAILURES).map((i) => (
                  <li key={i.index}>
                    {describeScope(i.write.scope, subscriptions, groups).name} ({i.write.initiativeName}):{" "}
                    {i.message ?? "failed"}
                  </li>
                ))}
                {failed.length > SHOWN_FAILURES ? (
                  <li>…and {failed.length - SHOWN_FAILURES} more, listed below.</li>
                ) : null}
              </ul>
            ) : null}
          </MessageBarBody>
        </MessageBar>
      )}
      {view.succeeded > 0 ? <EffectStatus
          applyId={view.id}
          recommendationKey={view.report?.recommendationKey ?? null}
          subscriptions={subscriptions}
          groups={groups}
        /> : null}
      <div className={styles.actions}>
        {view.failed > 0 ? (
          <Button appearance="primary" icon={<ArrowRepeatAllRegular />} onClick={retry} disabled={retrying}>
            Retry failed
          </Button>
        ) : null}
        <Button appearance={view.failed > 0 ? "secondary" : "primary"} onClick={onAnother}>
          Exempt another
        </Button>
        <Button onClick={onClose}>Close</Button>
      </div>
    </section>
  );
}
