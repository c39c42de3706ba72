import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { applyStore, isFinal } from "../apply/applyStore";
import { useApplies } from "../apply/useApply";
import type { ApplyReport } from "../ipc/bindings";
import { queries } from "../ipc/queries";
import { useExemptTarget } from "./exemptTarget";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    marginBottom: tokens.spacingVerticalM,
  },
});

const notConfirmed = (r: ApplyReport) => r.items.filter((i) => i.state !== "Succeeded").length;

/** Applies the user should know of wherever they are: interrupted ones (from
 * the journal) and ones running or finished while their pane is closed. */
export function ApplyBanners() {
  const styles = useStyles();
  const { open } = useExemptTarget();
  const applies = useApplies();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const unfinished = useQuery(queries.unfinished());
  const tracked = new Set(applies.map((a) => a.id));
  const interrupted = (unfinished.data ?? []).filter((r) => !tracked.has(r.id) && !hidden.has(r.id));
  const hide = (id: string) => setHidden((h) => new Set(h).add(id));
  const view = (id: string, key: string) => {
    applyStore.track(id);
    open({ key, applyId: id });
  };
  const resume = (r: ApplyReport) => {
    void applyStore.resume(r.id);
    open({ key: r.recommendationKey, applyId: r.id });
  };
  const running = applies.filter((a) => !a.watched && !a.seen && a.report);

  if (interrupted.length === 0 && running.length === 0) return null;
  return (
    <div className={styles.root} data-testid="apply-banners">
      {interrupted.map((r) => (
        <MessageBar key={r.id} intent="warning" layout="multiline" data-testid="interrupted-apply">
          <MessageBarBody>
            <MessageBarTitle>
              An apply was interrupted: {notConfirmed(r)} of {r.items.length} writes not confirmed
            </MessageBarTitle>
            Started {new Date(r.startedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}.
            Resume sends only what isn't confirmed; nothing is written twice.
          </MessageBarBody>
          <MessageBarActions
            containerAction={
              <Button appearance="transparent" aria-label="Hide" icon={<DismissRegular />} onClick={() => hide(r.id)} />
            }
          >
            <Button appearance="primary" onClick={() => resume(r)}>
              Resume
            </Button>
            <Button onClick={() => view(r.id, r.recommendationKey)}>View</Button>
          </MessageBarActions>
        </MessageBar>
      ))}
      {running.map((a) => {
        const active = a.items.some((i) => !isFinal(i.state));
        return (
          <MessageBar
            key={a.id}
            intent={active ? "info" : a.failed > 0 ? "error" : "success"}
            data-testid="running-apply"
          >
            <MessageBarBody>
              <MessageBarTitle>{active ? "Creating exemptions" : "Finished creating exemptions"}</MessageBarTitle>
              {a.succeeded} succeeded · {a.failed} failed · {a.succeeded + a.failed + a.cancelled} of {a.total} done
            </MessageBarBody>
            <MessageBarActions
              containerAction={
                active ? undefined : (
                  <Button
                    appearance="transparent"
                    aria-label="Dismiss"
                    icon={<DismissRegular />}
                    onClick={() => applyStore.dismiss(a.id)}
                  />
                )
              }
            >
              <Button onClick={() => view(a.id, a.report!.recommendationKey)}>View</Button>
            </MessageBarActions>
          </MessageBar>
        );
      })}
    </div>
  );
}
