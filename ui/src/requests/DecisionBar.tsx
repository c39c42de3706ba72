import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  Spinner,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowUndoRegular,
  CheckmarkRegular,
  CommentEditRegular,
  DismissRegular,
  SendRegular,
} from "@fluentui/react-icons";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactElement } from "react";
import { commands, type ApproverChanges, type ErrorPayload, type RequestReview } from "../ipc/bindings";
import { invalidate } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { mayWithdraw } from "./requestRules";

const useStyles = makeStyles({
  root: {
    position: "sticky",
    bottom: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} 0`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  buttons: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  focusTarget: { outlineStyle: "none" },
});

type Mode = "approve" | "reject" | "changes" | "withdraw";

/** Said (and focused) once a decision went through: its button is gone, and
 * the focus with it, which would leave Escape and Tab nowhere in the pane. */
const DONE: Record<Exclude<Mode, "approve">, string> = {
  reject: "Rejected. The requester sees your reason.",
  changes: "Sent back. The requester sees what should change and can resubmit.",
  withdraw: "Withdrawn. Nobody can approve it now.",
};

const TITLES: Record<Mode, string> = {
  approve: "Couldn't approve the request",
  reject: "Couldn't reject the request",
  changes: "Couldn't ask for changes",
  withdraw: "Couldn't withdraw the request",
};

type Props = {
  review: RequestReview;
  /** The signed-in user made this request. */
  own: boolean;
  changes: ApproverChanges;
  /** The review shown was made with exactly `changes` (not an older answer). */
  current: boolean;
  /** The approver's changes are valid (an earlier expiry). */
  changesValid: boolean;
  onApproved: (applyId: string) => void;
  /** Resubmit is the requester's own form. */
  onResubmit: () => void;
};

/** What the signed-in user can do with the request: approve and apply, reject
 * or ask for changes (an approver); withdraw or resubmit (the requester). Each
 * is confirmed first; an error leaves the pane and what was typed as they are. */
export function DecisionBar({ review, own, changes, current, changesValid, onApproved, onResubmit }: Props) {
  const styles = useStyles();
  const client = useQueryClient();
  const request = review.request;
  const [mode, setMode] = useState<Mode | null>(null);
  const [note, setNote] = useState({ reject: "", changes: "" });
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ mode: Mode; payload: ErrorPayload } | null>(null);
  const [done, setDone] = useState<Exclude<Mode, "approve"> | null>(null);
  // A choice replaces the buttons (and so the focused one): focus goes to what
  // replaced it, the note to write, or the bar itself, never to the page's body.
  const rootRef = useRef<HTMLDivElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const chosen = useRef(false);
  useEffect(() => {
    if (!chosen.current) return;
    if (mode === "reject" || mode === "changes") noteRef.current?.focus();
    else if (!rootRef.current?.contains(document.activeElement)) rootRef.current?.focus();
  }, [mode, done]);
  const pending = request.state === "Pending";
  const mayApprove = pending && review.cannotApprove === null && !own;
  const n = review.preparation.writes.length;

  const choose = (m: Mode | null) => {
    chosen.current = true;
    setMode(m);
    setTried(false);
    setError(null);
  };
  const run = async (m: Mode) => {
    setTried(true);
    if ((m === "reject" && !note.reject.trim()) || (m === "changes" && !note.changes.trim())) return;
    setBusy(true);
    setError(null);
    try {
      if (m === "approve") {
        const applyId = await commands.approveRequest(request.id, review.preparation.planId, changes);
        invalidate.afterRequestChange(client);
        onApproved(applyId);
        return;
      }
      if (m === "reject") await commands.rejectRequest(request.id, note.reject.trim());
      if (m === "changes") await commands.requestChanges(request.id, note.changes.trim());
      if (m === "withdraw") await commands.withdrawRequest(request.id);
      invalidate.afterRequestChange(client);
      setDone(m);
      setMode(null);
    } catch (e) {
      setError({ mode: m, payload: toErrorPayload(e) });
      // Someone else may have acted first: the lists say what the request is now.
      void client.invalidateQueries({ queryKey: ["requests"] });
    } finally {
      setBusy(false);
    }
  };

  const noteField = (m: "reject" | "changes") => (
    <Field
      label={m === "reject" ? "Reason for rejecting" : "What should change"}
      required
      validationMessage={
        tried && !note[m].trim() ? (m === "reject" ? "Give a reason." : "Say what should change.") : undefined
      }
    >
      <Textarea
        ref={noteRef}
        value={note[m]}
        rows={3}
        resize="vertical"
        maxLength={2000}
        onChange={(_, d) => setNote((x) => ({ ...x, [m]: d.value }))}
      />
    </Field>
  );

  const confirmButtons = (m: Mode, label: string, icon: ReactElement, disabled = false) => (
    <div className={styles.buttons}>
      <Button
        appearance="primary"
        icon={busy ? <Spinner size="extra-tiny" /> : icon}
        disabled={busy || disabled}
        onClick={() => void run(m)}
      >
        {label}
      </Button>
      <Button onClick={() => choose(null)} disabled={busy}>
        Cancel
      </Button>
    </div>
  );

  return (
    <div
      ref={rootRef}
      tabIndex={-1}
      className={mergeClasses(styles.root, styles.focusTarget)}
      data-testid="request-decision"
    >
      {error ? <ErrorBar error={error.payload} title={TITLES[error.mode]} /> : null}
      {done && !mode ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{DONE[done]}</MessageBarBody>
        </MessageBar>
      ) : null}
      {mode === "approve" ? (
        <>
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              {`Approve and write ${n} exemption${n === 1 ? "" : "s"} under your name, as shown above? The request's requester (${request.requestedBy.account}) is recorded in each.`}
            </MessageBarBody>
          </MessageBar>
          {confirmButtons("approve", `Approve and write ${n}`, <CheckmarkRegular />, !current || !changesValid)}
        </>
      ) : mode === "reject" ? (
        <>
          {noteField("reject")}
          {confirmButtons("reject", "Reject request", <DismissRegular />)}
        </>
      ) : mode === "changes" ? (
        <>
          {noteField("changes")}
          {confirmButtons("changes", "Send back for changes", <CommentEditRegular />)}
        </>
      ) : mode === "withdraw" ? (
        <>
          <MessageBar intent="warning">
            <MessageBarBody>Withdraw this request? It stays in the history; nobody can approve it then.</MessageBarBody>
          </MessageBar>
          {confirmButtons("withdraw", "Withdraw request", <ArrowUndoRegular />)}
        </>
      ) : (
        <div className={styles.buttons}>
          {mayApprove ? (
            <Button
              appearance="primary"
              icon={<CheckmarkRegular />}
              disabled={!current || !changesValid || review.preparation.blocked || n === 0}
              onClick={() => choose("approve")}
            >
              Approve and apply
            </Button>
          ) : null}
          {pending && !own ? (
            <>
              <Button icon={<DismissRegular />} onClick={() => choose("reject")}>
                Reject
              </Button>
              <Button icon={<CommentEditRegular />} onClick={() => choose("changes")}>
                Request changes
              </Button>
            </>
          ) : null}
          {own && request.state === "ChangesRequested" ? (
            <Button appearance="primary" icon={<SendRegular />} onClick={onResubmit}>
              Resubmit
            </Button>
          ) : null}
          {own && mayWithdraw(request) && request.requesterVerified ? (
            <Button icon={<ArrowUndoRegular />} onClick={() => choose("withdraw")}>
              Withdraw
            </Button>
          ) : null}
        </div>
      )}
    </div>
  );
}
