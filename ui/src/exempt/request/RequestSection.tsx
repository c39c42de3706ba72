import {
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, DocumentSaveRegular, SendRegular } from "@fluentui/react-icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigation } from "../../app/navigation";
import { WritesPreview } from "../../exemptions/actions/WritesPreview";
import {
  commands,
  type ErrorPayload,
  type ExemptionDraft,
  type ExemptionRequest,
  type ManagementGroupNode,
  type Preparation,
  type Subscription,
} from "../../ipc/bindings";
import { invalidate, queries } from "../../ipc/queries";
import {
  JUSTIFICATION_MAX,
  justificationError,
  requestOnly,
  ticketError,
  ticketOrNull,
} from "../../requests/requestRules";
import { ErrorBar } from "../../shared/ErrorBar";
import { toErrorPayload } from "../../shared/errors";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  note: { color: tokens.colorNeutralForeground2 },
  footer: {
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
  path: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere" },
});

/** What the requester typed for the approver; kept by the pane, so going back to the form loses nothing. */
export type RequestText = { justification: string; ticket: string };
export const NO_REQUEST_TEXT: RequestText = { justification: "", ticket: "" };

type Done = { kind: "sent"; request: ExemptionRequest } | { kind: "saved"; path: string };

type Props = {
  draft: ExemptionDraft;
  preparation: Preparation;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
  text: RequestText;
  onText: (text: RequestText) => void;
  onBack: () => void;
  /** The request went out (to the table or a file): the draft has done its job. */
  onDone: () => void;
  onClose: () => void;
};

/** Asking for approval: why, a ticket, the writes that would be requested; then
 * the tenant's request table, or a file to hand to an approver. */
export function RequestSection(props: Props) {
  const { draft, preparation, subscriptions, groups, text, onText, onBack, onDone, onClose } = props;
  const styles = useStyles();
  const client = useQueryClient();
  const { openRequest } = useNavigation();
  const tenant = useQuery(queries.tenantSettings());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState<"send" | "file" | null>(null);
  const [error, setError] = useState<{ how: "send" | "file"; payload: ErrorPayload } | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  const ticketRequired = tenant.data?.policy.ticketRequired ?? false;
  // Unknown (the settings could not be read): both ways are offered; sending says why it can't.
  const hasTable = tenant.data ? tenant.data.requestTable !== null : true;
  const whyError = justificationError(text.justification);
  const ticketProblem = ticketError(text.ticket, ticketRequired);
  const valid = whyError === null && ticketProblem === null;

  const go = async (how: "send" | "file") => {
    setSubmitted(true);
    if (!valid || busy) return;
    setBusy(how);
    setError(null);
    const justification = text.justification.trim();
    const ticket = ticketOrNull(text.ticket);
    try {
      if (how === "send") {
        const request = await commands.submitRequest(draft, justification, ticket);
        invalidate.afterRequestChange(client);
        setDone({ kind: "sent", request });
        onDone();
      } else {
        const path = await commands.saveRequestFile(draft, justification, ticket);
        if (path === null) return; // The dialog was cancelled: nothing happened.
        setDone({ kind: "saved", path });
        onDone();
      }
    } catch (e) {
      setError({ how, payload: toErrorPayload(e) });
    } finally {
      setBusy(null);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void go(hasTable ? "send" : "file");
  };

  if (done) {
    return (
      <section className={styles.root} aria-label="Request" data-testid="request-done">
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            {done.kind === "sent" ? (
              <>
                <MessageBarTitle>Request sent</MessageBarTitle>
                It waits for an approver. Nothing is written until someone who may write these exemptions approves; they
                are then written under the approver's name.
              </>
            ) : (
              <>
                <MessageBarTitle>Request saved as a file</MessageBarTitle>
                Send it to an approver: they open it in Exemption Desk (Requests, Open request file…).{" "}
                <span className={styles.path}>{done.path}</span>
              </>
            )}
          </MessageBarBody>
          <MessageBarActions>
            {done.kind === "sent" ? (
              <Button onClick={() => openRequest({ requestId: done.request.id })}>Open my requests</Button>
            ) : null}
            <Button onClick={onClose}>Close</Button>
          </MessageBarActions>
        </MessageBar>
      </section>
    );
  }

  // Without a request table there is nowhere to send it: only the file.
  const sendButton = hasTable ? (
    <Button
      key="send"
      type="submit"
      appearance="primary"
      icon={busy === "send" ? <Spinner size="extra-tiny" /> : <SendRegular />}
      disabled={busy !== null || (submitted && !valid)}
    >
      Send request
    </Button>
  ) : null;
  const fileButton = (
    <Button
      key="file"
      type={hasTable ? "button" : "submit"}
      appearance={hasTable ? "secondary" : "primary"}
      icon={busy === "file" ? <Spinner size="extra-tiny" /> : <DocumentSaveRegular />}
      disabled={busy !== null || (submitted && !valid)}
      onClick={hasTable ? () => void go("file") : undefined}
    >
      Save as file…
    </Button>
  );

  return (
    <form
      className={styles.root}
      aria-label="Request approval"
      data-testid="request-form"
      onSubmit={onSubmit}
      noValidate
    >
      <Subtitle2 as="h3">Request approval</Subtitle2>
      <Caption1 className={styles.note}>
        {requestOnly(preparation)
          ? "You can't write these exemptions yourself. "
          : "You could write these yourself; asking first puts four eyes on it. "}
        An approver sees exactly the writes below, checks them again under their own identity and, once they approve,
        the exemptions are written under their name with yours as the requester.
        {hasTable ? "" : " This tenant has no request table: the request travels as a file."}
      </Caption1>
      <Field
        label="Justification"
        required
        validationMessage={submitted ? (whyError ?? undefined) : undefined}
        hint={`Why the risk is acceptable or mitigated, for the approver. ${text.justification.length}/${JUSTIFICATION_MAX}`}
      >
        <Textarea
          value={text.justification}
          resize="vertical"
          rows={4}
          maxLength={JUSTIFICATION_MAX}
          onChange={(_, d) => onText({ ...text, justification: d.value })}
        />
      </Field>
      <Field
        label="Ticket reference or link"
        required={ticketRequired}
        validationMessage={submitted ? (ticketProblem ?? undefined) : undefined}
        hint="A change or risk ticket, like CHG-1042 or https://…"
      >
        <Input value={text.ticket} onChange={(_, d) => onText({ ...text, ticket: d.value })} autoComplete="off" />
      </Field>
      <WritesPreview preparation={preparation} subscriptions={subscriptions} groups={groups} testIdPrefix="request">
        <Caption1 className={styles.note}>
          Nothing is sent to Azure by a request; these are the writes it asks for.
        </Caption1>
      </WritesPreview>
      <div className={styles.footer}>
        {error ? (
          <ErrorBar
            error={error.payload}
            title={error.how === "file" ? "Couldn't save the request" : "Couldn't send the request"}
          />
        ) : null}
        <div className={styles.buttons}>
          {sendButton}
          {fileButton}
          <Button icon={<ArrowLeftRegular />} onClick={onBack} disabled={busy !== null}>
            Back to the form
          </Button>
        </div>
      </div>
    </form>
  );
}
