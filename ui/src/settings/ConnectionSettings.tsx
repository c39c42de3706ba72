import { Caption1, Field, Input, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { commands, type Settings } from "../ipc/bindings";
import { invalidate } from "../ipc/queries";
import { toErrorPayload } from "../shared/errors";
import { SaveRow } from "./SaveRow";
import { settingsSection } from "./sectionStyle";

const useStyles = makeStyles({
  section: settingsSection,
  muted: { color: tokens.colorNeutralForeground3 },
});

/** An extra CA certificate to trust (a TLS-inspecting proxy's root): the backend reads the
 * file before saving it and says at the field what is wrong with it. */
export function ConnectionSettings({ saved }: { saved: Settings }) {
  const styles = useStyles();
  const client = useQueryClient();
  const [path, setPath] = useState(saved.extraCaCertificate ?? "");
  const save = useMutation({
    mutationFn: (s: Settings) => commands.saveSettings(s),
    onSuccess: (s) => {
      invalidate.afterSettingsSaved(client, s);
      setPath(s.extraCaCertificate ?? "");
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ ...saved, extraCaCertificate: path.trim() === "" ? null : path.trim() });
  };
  const refused = save.error ? toErrorPayload(save.error).message : null;
  return (
    <form className={styles.section} aria-labelledby="settings-connections" onSubmit={submit} noValidate>
      <Subtitle2 as="h3" id="settings-connections">
        Connections
      </Subtitle2>
      <Caption1 className={styles.muted}>
        Behind a proxy that inspects HTTPS, trust its root certificate here (a PEM file) for Entra, Azure Resource
        Manager and the request table. It applies from the next sign-in.
      </Caption1>
      <Field
        label="Extra CA certificate (PEM file)"
        validationState={refused ? "error" : "none"}
        validationMessage={refused ?? undefined}
        hint="The whole path, like /etc/ssl/certs/proxy-root.pem. Empty: only the system's certificates."
      >
        <Input
          value={path}
          onChange={(_, d) => {
            save.reset();
            setPath(d.value);
          }}
          autoComplete="off"
        />
      </Field>
      <SaveRow
        label="Save connection settings"
        pending={save.isPending}
        saved={save.isSuccess}
        savedTestId="connection-settings-saved"
      />
    </form>
  );
}
