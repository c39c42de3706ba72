import {
  Button,
  Caption1,
  Caption1Strong,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { DeleteRegular, PersonArrowRightRegular } from "@fluentui/react-icons";
import { useEffect, useMemo, useRef, useState, type Dispatch, type FormEvent, type SetStateAction } from "react";
import type { DraftField, ErrorPayload, ExemptionDraft, FieldError, Preparation, Subscription } from "../ipc/bindings";
import { ErrorBar } from "../shared/ErrorBar";
import { fieldErrorsFromDetails, toErrorPayload } from "../shared/errors";
import { useManagementGroups } from "../ipc/queries";
import { mayRequest, requestOnly } from "../requests/requestRules";
import { CategoryField } from "./CategoryField";
import { ChecksSection } from "./checks/ChecksSection";
import { usePreparation } from "./checks/usePreparation";
import { DESCRIPTION_MAX, FIELD_ORDER, formOnlyErrors, withOffset } from "./draft";
import { ExpiryField } from "./ExpiryField";
import { fanOut, fanOutDetail, fanOutHeadline, type FanOut } from "./fanOut";
import { messagesFor } from "./FieldMessages";
import { ScopeField } from "./scope/ScopeField";
import { useDraftValidation } from "./useDraftValidation";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  footer: {
    position: "sticky",
    bottom: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalM} 0`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  buttons: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  counter: { fontVariantNumeric: "tabular-nums" },
  fanOut: { display: "flex", flexDirection: "column", marginTop: `calc(-1 * ${tokens.spacingVerticalM})` },
  fanOutDetail: { color: tokens.colorNeutralForeground3 },
});

function isChoiceStale(field: DraftField, checked: ExemptionDraft, now: ExemptionDraft): boolean {
  switch (field) {
    case "scope":
      return JSON.stringify(checked.scope) !== JSON.stringify(now.scope);
    case "category":
      return checked.category !== now.category;
    case "expiresOn":
      return (checked.expiresOn === null) !== (now.expiresOn === null);
    default:
      return false;
  }
}

type Props = {
  values: ExemptionDraft;
  setValues: Dispatch<SetStateAction<ExemptionDraft>>;
  subscriptions: readonly Subscription[];
  onPreview: (preparation: Preparation) => void;
  /** Ask someone who may write it to approve it (the request form). */
  onRequest?: (preparation: Preparation) => void;
  onDiscard: () => void;
  onCancel: () => void;
};

/** The exemption's fields, the checks as they are met, and Preview. Sends nothing. */
export function ExemptForm({ values, setValues, subscriptions, onPreview, onRequest, onDiscard, onCancel }: Props) {
  const styles = useStyles();
  const formRef = useRef<HTMLFormElement>(null);
  const [touched, setTouched] = useState<ReadonlySet<DraftField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [previewError, setPreviewError] = useState<ErrorPayload | null>(null);
  const groups = useManagementGroups();

  const draft = useMemo(() => withOffset(values), [values]);
  const validation = useDraftValidation(draft);
  const errors: FieldError[] = useMemo(
    () => [...validation.errors, ...formOnlyErrors(draft)],
    [validation.errors, draft],
  );
  const valid = validation.validated === draft && errors.length === 0;
  const prep = usePreparation(draft, valid);
  const blocked = prep.current && prep.preparation!.blocked;
  // Only an approver gets past what failed (the user may not write, or the tenant demands approval).
  const onlyRequest = !!onRequest && prep.current && requestOnly(prep.preparation!);
  // How many exemptions the name becomes depends on the scope only: while a
  // change elsewhere is re-checked, the last count for this scope still holds.
  const scopeKey = JSON.stringify(values.scope);
  const lastFanOut = useRef<{ scopeKey: string; fanOut: FanOut } | null>(null);
  if (prep.current) {
    const writes = prep.preparation!.writes;
    lastFanOut.current = writes.length > 0 ? { scopeKey, fanOut: fanOut(writes) } : null;
  }
  const planned = lastFanOut.current?.scopeKey === scopeKey ? lastFanOut.current.fanOut : null;

  useEffect(() => setPreviewError(null), [draft]);

  const update = <K extends keyof ExemptionDraft>(key: K, value: ExemptionDraft[K], field: DraftField) => {
    setValues((v) => ({ ...v, [key]: value }));
    touch(field);
  };
  const touch = (field: DraftField) => setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  // Switching between management group, subscriptions, resource groups and
  // resources is not yet a choice: "choose at least one" waits for one (or Preview).
  const switchScope = (scope: ExemptionDraft["scope"]) => {
    setValues((v) => ({ ...v, scope }));
    setTouched((t) => {
      if (!t.has("scope")) return t;
      const next = new Set(t);
      next.delete("scope");
      return next;
    });
  };
  const shown = (field: DraftField) => {
    if (!submitted && !touched.has(field)) return undefined;
    // A choice (not typing) that changed since the last check: its old error is
    // surely stale, so hide it until the fresh answer comes back.
    const stale = validation.validated && isChoiceStale(field, validation.validated, values);
    return stale ? undefined : messagesFor(errors, field);
  };

  const focusFirstError = (list: readonly FieldError[]) => {
    const first = FIELD_ORDER.find((f) => list.some((e) => e.field === f));
    const el = first ? formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`) : null;
    (el?.matches("input, textarea") ? el : (el?.querySelector<HTMLElement>("input, textarea") ?? el))?.focus();
  };

  const onSubmit = (e?: FormEvent) => {
    e?.preventDefault();
    void proceed(onlyRequest ? "request" : "preview");
  };

  const proceed = async (to: "preview" | "request") => {
    if (busy) return;
    setSubmitted(true);
    setBusy(true);
    const sent = draft;
    try {
      let found: FieldError[];
      try {
        found = [...(await validation.validateNow(sent)), ...formOnlyErrors(sent)];
      } catch (error) {
        setPreviewError(toErrorPayload(error));
        return;
      }
      if (found.length > 0) {
        setPreviewError(null);
        focusFirstError(found);
        return;
      }
      setPreviewError(null);
      const preparation = prep.current ? prep.preparation! : await prep.prepareNow(sent);
      if (!preparation) return;
      if (to === "request") {
        if (mayRequest(preparation)) onRequest?.(preparation);
        return;
      }
      if (preparation.blocked) return;
      onPreview(preparation);
    } catch (error) {
      const payload = toErrorPayload(error);
      setPreviewError(payload);
      const fieldErrors = fieldErrorsFromDetails(payload.details);
      if (fieldErrors.length > 0) {
        validation.replaceErrors(fieldErrors);
        focusFirstError(fieldErrors);
      }
    } finally {
      setBusy(false);
    }
  };

  const recommendationError = messagesFor(errors, "recommendation");
  // UTF-16 units, as Azure (and the textarea's maxLength) count them.
  const descriptionLength = values.description.length;

  return (
    <form ref={formRef} className={styles.form} onSubmit={onSubmit} noValidate aria-label="Exemption">
      {submitted && recommendationError ? (
        <MessageBar intent="error">
          <MessageBarBody>{recommendationError}</MessageBarBody>
        </MessageBar>
      ) : null}
      <ScopeField
        recommendationKey={values.recommendationKey}
        subscriptions={subscriptions}
        value={values.scope}
        onChange={(scope, how) => (how === "switched" ? switchScope(scope) : update("scope", scope, "scope"))}
        error={shown("scope")}
      />
      <Field
        label="Name"
        required
        hint="Up to 64 characters; not < > * % & : \ ? . + / #, nor ending in a space or period"
        validationMessage={shown("name")}
      >
        <Input
          value={values.name}
          data-field="name"
          autoComplete="off"
          spellCheck={false}
          onChange={(_, d) => update("name", d.value, "name")}
          onBlur={() => touch("name")}
        />
      </Field>
      <div className={styles.fanOut} data-testid="name-fan-out" aria-live="polite">
        <Caption1Strong>
          {planned ? fanOutHeadline(planned) : "1 name → one exemption per initiative holding the recommendation"}
        </Caption1Strong>
        <Caption1 className={styles.fanOutDetail}>
          {planned ? fanOutDetail(planned) : "Counted once the scope is chosen and the checks have run."}
        </Caption1>
      </div>
      <Field label="Display name" validationMessage={shown("displayName")}>
        <Input
          value={values.displayName}
          data-field="displayName"
          placeholder={values.name}
          onChange={(_, d) => update("displayName", d.value, "displayName")}
          onBlur={() => touch("displayName")}
        />
      </Field>
      <ExpiryField
        value={values.expiresOn}
        onChange={(v) => {
          setValues((d) => ({ ...d, expiresOn: v }));
          // Turning the switch on is not yet a choice of day; picking one is.
          if (v !== null && v !== "") touch("expiresOn");
        }}
        onBlur={() => touch("expiresOn")}
        error={shown("expiresOn")}
      />
      <CategoryField
        value={values.category}
        onChange={(v) => update("category", v, "category")}
        error={shown("category")}
      />
      <Field
        label="Description"
        validationMessage={shown("description")}
        hint={
          <span className={styles.counter}>
            {descriptionLength}/{DESCRIPTION_MAX}
          </span>
        }
      >
        <Textarea
          value={values.description}
          data-field="description"
          maxLength={DESCRIPTION_MAX}
          resize="vertical"
          rows={4}
          onChange={(_, d) => update("description", d.value, "description")}
          onBlur={() => touch("description")}
        />
      </Field>
      <ChecksSection
        preparation={prep.preparation}
        current={prep.current}
        running={prep.running}
        error={prep.error}
        groups={groups.data}
        onRecheck={prep.recheck ? () => void prep.recheck?.() : null}
      />
      <div className={styles.footer}>
        {previewError && !prep.error ? <ErrorBar error={previewError} title="Couldn't prepare the exemption" /> : null}
        {validation.failure && !previewError ? (
          <ErrorBar error={validation.failure} title="Couldn't check the form" />
        ) : null}
        {onlyRequest ? (
          <MessageBar intent="info" layout="multiline" data-testid="request-only">
            <MessageBarBody>
              {prep.preparation!.checks.some((c) => c.status === "Failed" && c.kind !== "Permissions")
                ? "This tenant requires approval for this exemption: request it, and an approver writes it."
                : "You may not write these exemptions yourself: request approval, and someone who may write them approves and writes them."}
            </MessageBarBody>
          </MessageBar>
        ) : blocked ? (
          <MessageBar intent="error" layout="multiline" data-testid="blocked">
            <MessageBarBody>
              {prep.preparation!.planError?.message ?? "A check failed: see Checks above for what to do."}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        <div className={styles.buttons}>
          {onlyRequest ? (
            <Button type="submit" appearance="primary" icon={<PersonArrowRightRegular />} disabled={busy}>
              Request approval
            </Button>
          ) : (
            <Button type="submit" appearance="primary" disabled={busy || blocked}>
              Preview
            </Button>
          )}
          <Button type="button" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="button" appearance="subtle" icon={<DeleteRegular />} onClick={onDiscard}>
            Discard draft
          </Button>
          {busy ? <Spinner size="tiny" label="Preparing…" labelPosition="after" /> : null}
        </div>
      </div>
    </form>
  );
}
