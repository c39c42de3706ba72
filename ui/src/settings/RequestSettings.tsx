import {
  Caption1,
  Field,
  Input,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle2,
  Switch,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { commands, type ApprovalRequirement, type TenantSettings } from "../ipc/bindings";
import { invalidate, queries, queryError } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { fieldMessages, formErrors, toTenantForm, toTenantSettings, type TenantForm } from "./tenantSettingsForm";
import { SaveRow } from "./SaveRow";
import { settingsSection } from "./sectionStyle";

const useStyles = makeStyles({
  section: settingsSection,
  days: { maxWidth: "160px" },
  muted: { color: tokens.colorNeutralForeground3 },
  group: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

/** Requests and approvals for the signed-in tenant profile: where requests are
 * kept and the tenant's policy. Loads its own settings; says so when it can't. */
export function RequestSettings() {
  const settings = useQuery(queries.tenantSettings());
  const styles = useStyles();
  if (settings.data) return <RequestSettingsForm saved={settings.data} />;
  return (
    <section className={styles.section} aria-labelledby="settings-requests">
      <Subtitle2 as="h3" id="settings-requests">
        Requests and approvals
      </Subtitle2>
      {settings.error ? (
        <ErrorBar
          error={queryError(settings.error)!}
          title="Couldn't load this tenant's request settings"
          onRetry={() => void settings.refetch()}
          retrying={settings.isFetching}
        />
      ) : (
        <Spinner size="small" label="Loading…" />
      )}
    </section>
  );
}

function RequestSettingsForm({ saved }: { saved: TenantSettings }) {
  const styles = useStyles();
  const client = useQueryClient();
  const [form, setForm] = useState<TenantForm>(() => toTenantForm(saved));
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: (s: TenantSettings) => commands.saveTenantSettings(s),
    onSuccess: (s) => {
      invalidate.afterTenantSettingsSaved(client, s);
      setForm(toTenantForm(s));
    },
  });
  const local = tried ? formErrors(form) : {};
  const error = save.error ? toErrorPayload(save.error) : null;
  const remote = fieldMessages(error);
  const message = (f: "endpoint" | "table" | "maxExpiryDays") => local[f] ?? remote[f];
  const edit = (change: Partial<TenantForm>) => {
    save.reset();
    setForm((f) => ({ ...f, ...change }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(formErrors(form)).length > 0) return;
    save.mutate(toTenantSettings(form));
  };
  return (
    <form className={styles.section} aria-labelledby="settings-requests" onSubmit={submit} noValidate>
      <Subtitle2 as="h3" id="settings-requests">
        Requests and approvals
      </Subtitle2>
      <Caption1 className={styles.muted}>
        For this tenant profile. Anyone signed in may request an exemption; someone else who may write it approves, and
        it is written under the approver's name.
      </Caption1>
      <RadioGroup
        aria-label="Where requests are kept"
        value={form.useTable ? "table" : "files"}
        onChange={(_, d) => edit({ useTable: d.value === "table" })}
      >
        <Radio value="table" label="In an Azure Table shared by the tenant" />
        <Radio value="files" label="None: requests travel as files" />
      </RadioGroup>
      {form.useTable ? (
        <div className={styles.group}>
          <Field
            label="Table service endpoint"
            required
            validationMessage={message("endpoint")}
            hint="Like https://contosorisk.table.core.windows.net. You need Storage Table Data Contributor on it."
          >
            <Input
              value={form.endpoint}
              spellCheck={false}
              autoComplete="off"
              onChange={(_, d) => edit({ endpoint: d.value })}
            />
          </Field>
          <Field
            label="Table name"
            required
            validationMessage={message("table")}
            hint="3 to 63 letters and digits, starting with a letter."
          >
            <Input
              value={form.table}
              spellCheck={false}
              autoComplete="off"
              onChange={(_, d) => edit({ table: d.value })}
            />
          </Field>
        </div>
      ) : null}
      <Field label="Approval required">
        <RadioGroup value={form.approval} onChange={(_, d) => edit({ approval: d.value as ApprovalRequirement })}>
          <Radio value="Never" label="Never: whoever may write, writes" />
          <Radio value="Waivers" label="For waivers (risk accepted)" />
          <Radio value="Always" label="For every exemption" />
        </RadioGroup>
      </Field>
      <Field
        label="Maximum expiry (days)"
        validationMessage={message("maxExpiryDays")}
        hint="From the day of the request; empty for no maximum. Checked on request and on approval."
      >
        <Input
          className={styles.days}
          inputMode="numeric"
          value={form.maxExpiryDays}
          onChange={(_, d) => edit({ maxExpiryDays: d.value })}
        />
      </Field>
      <Switch
        label="A ticket reference is required"
        checked={form.ticketRequired}
        onChange={(_, d) => edit({ ticketRequired: d.checked })}
      />
      <SaveRow
        label="Save request settings"
        pending={save.isPending}
        saved={save.isSuccess}
        savedTestId="request-settings-saved"
      />
      {error ? <ErrorBar error={error} title="Couldn't save the request settings" /> : null}
    </form>
  );
}
