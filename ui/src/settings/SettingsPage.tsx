import {
  Caption1,
  Field,
  Input,
  Spinner,
  Subtitle2,
  Switch,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { commands, type Settings } from "../ipc/bindings";
import { invalidate, queries, queryError } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { AboutSection } from "./AboutSection";
import { ConnectionSettings } from "./ConnectionSettings";
import { RequestSettings } from "./RequestSettings";
import { toForm, toSettings, windowError, type SettingsForm } from "./settingsForm";
import { SaveRow } from "./SaveRow";
import { settingsSection } from "./sectionStyle";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, maxWidth: "640px" },
  section: settingsSection,
  days: { maxWidth: "160px" },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** The app's settings, one section per subject; only expiry reminders so far. */
export function SettingsPage() {
  const styles = useStyles();
  const settings = useQuery(queries.settings());
  return (
    <div className={styles.root}>
      <Title3 as="h2">Settings</Title3>
      {settings.isPending ? <Spinner label="Loading settings…" /> : null}
      {settings.error ? (
        <ErrorBar
          error={queryError(settings.error)!}
          title="Couldn't load the settings"
          onRetry={() => void settings.refetch()}
          retrying={settings.isFetching}
        />
      ) : null}
      {settings.data ? <ReminderSettings saved={settings.data} /> : null}
      <RequestSettings />
      {settings.data ? <ConnectionSettings saved={settings.data} /> : null}
      <AboutSection />
    </div>
  );
}

function ReminderSettings({ saved }: { saved: Settings }) {
  const styles = useStyles();
  const client = useQueryClient();
  const [form, setForm] = useState<SettingsForm>(() => toForm(saved));
  const [touched, setTouched] = useState(false);
  const save = useMutation({
    mutationFn: (s: Settings) => commands.saveSettings(s),
    onSuccess: (s) => {
      invalidate.afterSettingsSaved(client, s);
      setForm(toForm(s));
    },
  });
  const error = touched ? windowError(form.reminderWindowDays) : null;
  const next = toSettings(form);
  const unchanged =
    next !== null &&
    next.reminderWindowDays === saved.reminderWindowDays &&
    next.remindersEnabled === saved.remindersEnabled;
  const edit = (change: Partial<SettingsForm>) => {
    save.reset();
    setForm((f) => ({ ...f, ...change }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    // The other settings (the extra CA) are kept as saved.
    if (next) save.mutate({ ...saved, ...next });
  };
  return (
    <form className={styles.section} aria-labelledby="settings-reminders" onSubmit={submit} noValidate>
      <Subtitle2 as="h3" id="settings-reminders">
        Expiry reminders
      </Subtitle2>
      <Caption1 className={styles.muted}>
        An exemption counts as expiring soon this many days before it expires: the register marks it, the navigation
        counts it, and a desktop notification tells you when it enters the window.
      </Caption1>
      <Field
        label="Reminder window (days)"
        validationState={error ? "error" : "none"}
        validationMessage={error ?? undefined}
        hint="From 1 to 365 days."
      >
        <Input
          className={styles.days}
          inputMode="numeric"
          value={form.reminderWindowDays}
          onChange={(_, d) => edit({ reminderWindowDays: d.value })}
          onBlur={() => setTouched(true)}
        />
      </Field>
      <Switch
        label="Desktop notifications for exemptions expiring soon"
        checked={form.remindersEnabled}
        onChange={(_, d) => edit({ remindersEnabled: d.checked })}
      />
      <SaveRow
        label="Save"
        pending={save.isPending}
        disabled={touched && next === null}
        saved={unchanged && save.isSuccess}
        savedTestId="settings-saved"
      />
      {save.error ? <ErrorBar error={toErrorPayload(save.error)} title="Couldn't save the settings" /> : null}
    </form>
  );
}
