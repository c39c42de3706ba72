import {
  Button,
  Field,
  Input,
  Radio,
  RadioGroup,
  makeStyles,
  tokens,
  type InputProps,
} from "@fluentui/react-components";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { commands, type CloudKind, type ErrorPayload, type SignInMethod, type SignInRequest } from "../ipc/bindings";
import { ErrorBar } from "../shared/ErrorBar";
import {
  CLOUD_LABELS,
  EMPTY_SIGN_IN,
  METHOD_LABELS,
  toSignInRequest,
  isServicePrincipal,
  usesCertificate,
  usesClientId,
  usesLoginHint,
  usesSecret,
  validateSignIn,
  type SignInField,
  type SignInValues,
} from "./signInForm";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  custom: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    paddingLeft: tokens.spacingHorizontalL,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
  },
  footer: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS },
  fileRow: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "flex-start" },
  fileInput: { flexGrow: 1, display: "flex", flexDirection: "column", "& > *": { width: "100%" } },
});

type Props = {
  /** Called with the request; resolves when the sign-in finished (either way). */
  onSubmit: (request: SignInRequest) => void;
  busy: boolean;
  /** The backend's refusal, shown above the button; what was typed stays. */
  error: ErrorPayload | null;
  /** Shown instead of the Sign in button while signing in. */
  progress: ReactNode;
};

export function SignInForm({ onSubmit, busy, error, progress }: Props) {
  const styles = useStyles();
  const [values, setValues] = useState<SignInValues>(EMPTY_SIGN_IN);
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  // The progress (and its Cancel button, maybe focused) went away: keep the
  // keyboard in the dialog, on Sign in.
  const wasBusy = useRef(busy);
  useEffect(() => {
    const active = document.activeElement;
    if (wasBusy.current && !busy && (!active || active === document.body)) submitRef.current?.focus();
    wasBusy.current = busy;
  }, [busy]);
  const errors = submitted ? validateSignIn(values) : {};

  const set = <K extends keyof SignInValues>(key: K, value: SignInValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  type TextExtra = Partial<InputProps> & { hint?: string; required?: boolean; after?: ReactNode };
  const text = (field: SignInField, label: string, extra: TextExtra = {}) => {
    const { hint, required, after, ...input } = extra;
    const control = (
      <Input {...input} name={field} value={values[field]} disabled={busy} onChange={(_, d) => set(field, d.value)} />
    );
    return (
      <Field
        label={label}
        required={required}
        hint={hint}
        validationState={errors[field] ? "error" : "none"}
        validationMessage={errors[field]}
      >
        {after ? (
          <div className={styles.fileRow}>
            <div className={styles.fileInput}>{control}</div>
            {after}
          </div>
        ) : (
          control
        )}
      </Field>
    );
  };

  const [pickError, setPickError] = useState<ErrorPayload | null>(null);
  const browse = () => {
    setPickError(null);
    commands.chooseCertificateFile().then(
      (path) => {
        if (path) set("certificatePath", path);
      },
      (e: ErrorPayload) => setPickError(e),
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    if (Object.keys(validateSignIn(values)).length > 0) {
      // After the errors render: take the user to the first one.
      setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    onSubmit(toSignInRequest(values));
  };

  const m = values.method;
  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="New sign-in">
      {text("profileName", "Profile name", {
        required: true,
        placeholder: "e.g. contoso-prod",
        hint: "The name this sign-in is remembered under.",
      })}
      <Field label="Cloud">
        <RadioGroup value={values.cloud} disabled={busy} onChange={(_, d) => set("cloud", d.value as CloudKind)}>
          {(Object.keys(CLOUD_LABELS) as CloudKind[]).map((kind) => (
            <Radio key={kind} value={kind} label={CLOUD_LABELS[kind]} />
          ))}
        </RadioGroup>
      </Field>
      {values.cloud === "Custom" ? (
        <div className={styles.custom}>
          {text("authorityHost", "Sign-in host", {
            required: true,
            type: "url",
            placeholder: "https://login.microsoftonline.com",
          })}
          {text("armEndpoint", "Resource Manager endpoint", {
            required: true,
            type: "url",
            placeholder: "https://management.azure.com",
          })}
          {text("graphEndpoint", "Microsoft Graph endpoint", {
            required: true,
            type: "url",
            placeholder: "https://graph.microsoft.com",
          })}
          {text("armAudience", "Resource Manager token audience", {
            placeholder: "the Resource Manager endpoint's own",
            hint: "Optional. Tokens are asked for this audience and sent only to the endpoint above; another cloud's audience is refused.",
          })}
        </div>
      ) : null}
      {text("tenant", "Tenant", { required: true, placeholder: "organizations or a tenant id / domain" })}
      <Field label="Sign-in method">
        <RadioGroup value={m} disabled={busy} onChange={(_, d) => set("method", d.value as SignInMethod)}>
          {(Object.keys(METHOD_LABELS) as SignInMethod[]).map((method) => (
            <Radio key={method} value={method} label={METHOD_LABELS[method]} />
          ))}
        </RadioGroup>
      </Field>
      {usesClientId(m)
        ? isServicePrincipal(m)
          ? text("clientId", "Client id", { required: true, placeholder: "00000000-0000-0000-0000-000000000000" })
          : text("clientId", "Client id", {
              placeholder: "00000000-0000-0000-0000-000000000000",
              hint: "Leave empty to use the default public client; see the README to register your own.",
            })
        : null}
      {usesSecret(m)
        ? text("clientSecret", "Client secret", {
            required: true,
            type: "password",
            autoComplete: "off",
            hint: "Kept in the OS keyring only.",
          })
        : null}
      {usesCertificate(m) ? (
        <>
          {text("certificatePath", "Certificate file", {
            required: true,
            placeholder: "/path/to/certificate.pem or .pfx",
            hint: "PEM with the private key and certificate, or a PKCS #12 (.pfx/.p12) file. The file stays where it is.",
            after: (
              <Button onClick={browse} disabled={busy}>
                Browse…
              </Button>
            ),
          })}
          {pickError ? <ErrorBar error={pickError} title="No file chosen" /> : null}
          {text("certificatePassword", "Certificate password (optional)", {
            type: "password",
            autoComplete: "off",
            hint: "Only for a protected .pfx/.p12 file. Kept in the OS keyring only.",
          })}
        </>
      ) : null}
      {usesLoginHint(m)
        ? text("loginHint", "Account (optional)", {
            type: "email",
            placeholder: "alex@contoso.com",
            autoComplete: "username",
          })
        : null}
      <div className={styles.footer}>
        {error ? <ErrorBar error={error} title="Sign-in failed" /> : null}
        {busy && progress ? (
          progress
        ) : (
          <div className={styles.buttons}>
            <Button ref={submitRef} type="submit" appearance="primary" disabled={busy}>
              Sign in
            </Button>
          </div>
        )}
      </div>
    </form>
  );
}
