import { Button, Field, Input, Spinner, Subtitle2, Textarea, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowLeftRegular, SendRegular } from "@fluentui/react-icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { DESCRIPTION_MAX, utcOffsetFor } from "../exempt/draft";
import { commands, type ErrorPayload, type ExemptionRequest } from "../ipc/bindings";
import { invalidate, queries } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { fieldErrorsFromDetails, toErrorPayload } from "../shared/errors";
import { JUSTIFICATION_MAX, justificationError, ticketError, ticketOrNull } from "./requestRules";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  date: { maxWidth: "220px" },
  buttons: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
});

type Props = { request: ExemptionRequest; onDone: () => void; onCancel: () => void };

/** The requester answers a request for changes: edits what the approver asked
 * about (justification, ticket, description, expiry) and sends it back for approval. */
export function ResubmitForm({ request, onDone, onCancel }: Props) {
  const styles = useStyles();
  const client = useQueryClient();
  const tenant = useQuery(queries.tenantSettings());
  const [form, setForm] = useState({
    justification: request.justification,
    ticket: request.ticket ?? "",
    description: request.draft.description,
    expiresOn: request.draft.expiresOn ?? "",
  });
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const whyError = justificationError(form.justification);
  const ticketProblem = ticketError(form.ticket, tenant.data?.policy.ticketRequired ?? false);
  const fieldError = (field: string) => fieldErrorsFromDetails(error?.details).find((e) => e.field === field)?.message;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (whyError || ticketProblem || busy) return;
    setBusy(true);
    setError(null);
    const expiresOn = form.expiresOn === "" ? null : form.expiresOn;
    const draft = {
      ...request.draft,
      description: form.description,
      expiresOn,
      utcOffsetMinutes: utcOffsetFor(expiresOn),
    };
    try {
      await commands.resubmitRequest(request.id, draft, form.justification.trim(), ticketOrNull(form.ticket));
      invalidate.afterRequestChange(client);
      onDone();
    } catch (err) {
      setError(toErrorPayload(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className={styles.root}
      onSubmit={(e) => void submit(e)}
      aria-label="Resubmit"
      data-testid="resubmit-form"
      noValidate
    >
      <Subtitle2 as="h3">Change and resubmit</Subtitle2>
      <Field label="Justification" required validationMessage={tried ? (whyError ?? undefined) : undefined}>
        <Textarea
          value={form.justification}
          rows={4}
          resize="vertical"
          maxLength={JUSTIFICATION_MAX}
          onChange={(_, d) => setForm((f) => ({ ...f, justification: d.value }))}
        />
      </Field>
      <Field label="Ticket reference or link" validationMessage={tried ? (ticketProblem ?? undefined) : undefined}>
        <Input value={form.ticket} onChange={(_, d) => setForm((f) => ({ ...f, ticket: d.value }))} />
      </Field>
      <Field label="Description" validationMessage={fieldError("description")}>
        <Textarea
          value={form.description}
          rows={3}
          resize="vertical"
          maxLength={DESCRIPTION_MAX}
          onChange={(_, d) => setForm((f) => ({ ...f, description: d.value }))}
        />
      </Field>
      <Field label="Expires on" hint="Empty: never expires." validationMessage={fieldError("expiresOn")}>
        <Input
          className={styles.date}
          type="date"
          value={form.expiresOn}
          onChange={(_, d) => setForm((f) => ({ ...f, expiresOn: d.value }))}
        />
      </Field>
      {error ? <ErrorBar error={error} title="Couldn't resubmit the request" /> : null}
      <div className={styles.buttons}>
        <Button
          type="submit"
          appearance="primary"
          icon={busy ? <Spinner size="extra-tiny" /> : <SendRegular />}
          disabled={busy}
        >
          Resubmit for approval
        </Button>
        <Button icon={<ArrowLeftRegular />} onClick={onCancel} disabled={busy}>
          Back
        </Button>
      </div>
    </form>
  );
}
