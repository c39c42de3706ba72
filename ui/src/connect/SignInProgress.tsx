import { Button, Caption1, Link, Spinner, Text, makeStyles, tokens } from "@fluentui/react-components";
import { CopyRegular, OpenRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import { commands, type DeviceCodePrompt, type ErrorPayload, type SignInMethod } from "../ipc/bindings";
import { WAITING_TEXT } from "./signInForm";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingVerticalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  code: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  userCode: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightSemibold,
    letterSpacing: "0.08em",
    userSelect: "all",
  },
  uri: { overflowWrap: "anywhere" },
  spinner: { justifyContent: "flex-start" },
});

type Props = { method: SignInMethod; prompt: DeviceCodePrompt | null; onCancel: () => void; cancelling: boolean };

export function SignInProgress({ method, prompt, onCancel, cancelling }: Props) {
  const styles = useStyles();
  const [copied, setCopied] = useState(false);
  const [openError, setOpenError] = useState<string | null>(null);
  // The backend opens the page Entra named in the system browser (the web view would open it inside the app).
  const openPage = (e?: { preventDefault: () => void }) => {
    e?.preventDefault();
    setOpenError(null);
    commands.openDeviceCodePage().catch((err: ErrorPayload) => setOpenError(err.message));
  };
  const showCode = method === "DeviceCode" && prompt !== null;
  const ref = useRef<HTMLDivElement>(null);
  // It appears at the end of a long form: bring it (and the code) into view.
  useEffect(() => {
    if (showCode) ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [showCode]);
  const label = showCode ? "Waiting for you to enter the code…" : WAITING_TEXT[method];
  const copy = () => {
    if (!prompt) return;
    void navigator.clipboard?.writeText(prompt.userCode).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div ref={ref} className={styles.root} data-testid="sign-in-progress" role="status" aria-live="polite">
      <Spinner className={styles.spinner} size="small" labelPosition="after" label={label} />
      {showCode ? (
        <div data-testid="device-code-prompt">
          <Text block>
            Open{" "}
            <Link href={prompt.verificationUri} onClick={openPage} className={styles.uri}>
              {prompt.verificationUri}
            </Link>{" "}
            and enter this code:
          </Text>
          <div className={styles.code}>
            <span className={styles.userCode} data-testid="device-user-code" aria-label={`Code ${prompt.userCode}`}>
              {prompt.userCode}
            </span>
            <Button icon={<CopyRegular />} onClick={copy}>
              {copied ? "Copied" : "Copy code"}
            </Button>
            <Button icon={<OpenRegular />} onClick={() => openPage()}>
              Open sign-in page
            </Button>
          </div>
          {openError ? (
            <Caption1 block role="alert">
              {openError}
            </Caption1>
          ) : null}
          <Caption1 block>{prompt.message}</Caption1>
          {Number(prompt.expiresInSeconds) > 0 ? (
            <Caption1 block>
              The code expires in {Math.max(1, Math.round(Number(prompt.expiresInSeconds) / 60))} minutes.
            </Caption1>
          ) : null}
        </div>
      ) : null}
      <div>
        <Button onClick={onCancel} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}
