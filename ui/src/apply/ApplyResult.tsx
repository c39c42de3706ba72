import { Button, MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowRepeatAllRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { describeScope } from "../shared/scopeNames";
import { applyStore, type ApplyView } from "./applyStore";
import { CHANGE_KEY } from "./changeKey";
import { EffectStatus } from "./EffectStatus";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  failures: { margin: 0, paddingLeft: tokens.spacingHorizontalL, overflowWrap: "anywhere" },
  actions: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

const SHOWN_FAILURES = 10;

/** "Created 2 exemptions", "Updated 1 of 2 exemptions", "Deleted 3 exemptions":
 * a change to existing exemptions is not called a creation. */
export function resultTitle(view: ApplyView): string {
  const change = view.report?.recommendationKey === CHANGE_KEY;
  const deleting = change && view.items.length > 0 && view.items.every((i) => i.write.method === "DELETE");
  const verb = !change ? "Created" : deleting ? "Deleted" : "Updated";
  const all = view.failed === 0 && view.cancelled === 0 && view.changed === 0;
  const count = all ? `${view.succeeded}` : `${view.succeeded} of ${view.total}`;
  return `${verb} ${count} exemption${(all ? view.succeeded : view.total) === 1 ? "" : "s"}`;
}

type Props = {
  view: ApplyView;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
  /** "Exempt another"; none where there is no other to make (an approved request). */
  onAnother?: () => void;
  /** Without it, the result has no Close of its own (a dialog around it has one). */
  onClose?: () => void;
};

/** What happened: what succeeded, what failed and why, and what to do next. */
export function ApplyResult({ view, subscriptions, groups, onAnother, onClose }: Props) {
  const styles = useStyles();
  const [retrying, setRetrying] = useState(false);
  // Focus moves to the result when the apply ends (the Cancel button that
  // held it is gone), so a screen reader reads it and Escape still closes.
  const root = useRef<HTMLElement>(null);
  useEffect(() => root.current?.focus({ preventScroll: false }), []);
  const failed = view.items.filter((i) => i.state === "Failed" || i.state === "Changed");
  const change = view.report?.recommendationKey === CHANGE_KEY;
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
      {view.failed === 0 && view.cancelled === 0 && view.changed === 0 ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{resultTitle(view)}</MessageBarTitle>
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent={view.failed > 0 ? "error" : "warning"} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{resultTitle(view)}</MessageBarTitle>
            {view.failed > 0 ? ` ${view.failed} failed. ` : ""}
            {view.changed > 0
              ? ` ${view.changed} changed in Azure since the preview and ${view.changed === 1 ? "was" : "were"} not overwritten. `
              : ""}
            {view.cancelled > 0 ? `${view.cancelled} cancelled before they were sent.` : ""}
            {failed.length > 0 ? (
              <ul className={styles.failures} data-testid="failures">
                {failed.slice(0, SHOWN_FAILURES).map((i) => (
                  <li key={i.index}>
                    {describeScope(i.write.scope, subscriptions, groups).name} ({i.write.initiativeName || i.write.name}
                    ): {i.message ?? "failed"}
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
      {/* Defender's catching up is about new exemptions; a change's effect is the list itself. */}
      {view.succeeded > 0 && !change ? (
        <EffectStatus
          applyId={view.id}
          recommendationKey={view.report?.recommendationKey ?? null}
          subscriptions={subscriptions}
          groups={groups}
        />
      ) : null}
      <div className={styles.actions}>
        {view.failed > 0 ? (
          <Button appearance="primary" icon={<ArrowRepeatAllRegular />} onClick={retry} disabled={retrying}>
            Retry failed
          </Button>
        ) : null}
        {change || !onAnother ? null : (
          <Button appearance={view.failed > 0 ? "secondary" : "primary"} onClick={onAnother}>
            Exempt another
          </Button>
        )}
        {onClose ? (
          <Button appearance={(change || !onAnother) && view.failed === 0 ? "primary" : "secondary"} onClick={onClose}>
            Close
          </Button>
        ) : null}
      </div>
    </section>
  );
}
