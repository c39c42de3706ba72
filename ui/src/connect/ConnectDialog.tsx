import {
  Body1,
  Button,
  Dialog,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Subtitle2,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { BeakerRegular, DismissRegular } from "@fluentui/react-icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { commands, type ErrorPayload, type SessionInfo, type SignInMethod, type SignInRequest } from "../ipc/bindings";
import { ErrorBar } from "../shared/ErrorBar";
import { WithoutSignInAgain } from "../shared/signInAgain";
import { toErrorPayload } from "../shared/errors";
import { invalidate, queries, queryError, useSession } from "../ipc/queries";
import { ProfilesList } from "./ProfilesList";
import { SignInForm } from "./SignInForm";
import { SignInProgress } from "./SignInProgress";
import { useDeviceCode } from "./useDeviceCode";
import { useSessionSwitched } from "./useSessionSwitch";

const useStyles = makeStyles({
  surface: { width: "min(1040px, calc(100vw - 48px))", maxWidth: "none" },
  body: { maxHeight: "calc(100vh - 96px)" },
  content: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(340px, 1fr))",
    gap: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    alignItems: "start",
  },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  // Side by side, the profiles stay in view while the long sign-in form scrolls.
  pinned: { "@media (min-width: 840px)": { position: "sticky", top: 0 } },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Pending = { kind: "signIn"; method: SignInMethod } | { kind: "profile"; name: string } | { kind: "demo" } | null;

type Props = { open: boolean; onClose: () => void };

/** The Connect screen: remembered profiles, the demo tenant, a new sign-in. */
export function ConnectDialog({ open, onClose }: Props) {
  const styles = useStyles();
  return (
    <Dialog open={open} modalType="modal" onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={styles.surface} aria-label="Connect" data-testid="connect-dialog">
        {open ? <ConnectBody onClose={onClose} /> : null}
      </DialogSurface>
    </Dialog>
  );
}

function ConnectBody({ onClose }: { onClose: () => void }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const switched = useSessionSwitched();
  const session = useSession();
  const profiles = useQuery(queries.profiles());
  const [pending, setPending] = useState<Pending>(null);
  const [actionError, setActionError] = useState<ErrorPayload | null>(null);
  const [signInError, setSignInError] = useState<ErrorPayload | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const cancelled = useRef(false);
  const device = useDeviceCode(true);
  // Closed (Escape, Close) while a sign-in runs: stop it.
  const signingRef = useRef(false);
  signingRef.current = pending?.kind === "signIn";
  useEffect(
    () => () => {
      if (signingRef.current) void commands.cancelSignIn().catch(() => {});
    },
    [],
  );

  const done = (info: SessionInfo) => {
    // Everything but the session is read again, the profiles too.
    switched(info);
    onClose();
  };

  const run = async (p: Exclude<Pending, null>, call: () => Promise<SessionInfo>) => {
    setPending(p);
    setActionError(null);
    try {
      done(await call());
    } catch (e) {
      setActionError(toErrorPayload(e));
    } finally {
      setPending(null);
    }
  };

  const signIn = async (request: SignInRequest) => {
    setPending({ kind: "signIn", method: request.method });
    setSignInError(null);
    setActionError(null);
    device.clear();
    cancelled.current = false;
    try {
      const info = await commands.signIn(request);
      done(info);
    } catch (e) {
      if (!cancelled.current) setSignInError(toErrorPayload(e));
    } finally {
      setPending(null);
      setCancelling(false);
      device.clear();
    }
  };

  const cancel = async () => {
    cancelled.current = true;
    setCancelling(true);
    try {
      await commands.cancelSignIn();
    } catch (e) {
      cancelled.current = false;
      setCancelling(false);
      setSignInError(toErrorPayload(e));
    }
  };

  const signOut = async (name: string) => {
    setPending({ kind: "profile", name });
    setActionError(null);
    try {
      await commands.signOut(name);
      invalidate.afterSignOut(queryClient);
    } catch (e) {
      setActionError(toErrorPayload(e));
    } finally {
      setPending(null);
    }
  };

  const busy = pending !== null;
  const signingIn = pending?.kind === "signIn" ? pending.method : null;
  const listError = queryError(profiles.error);

  return (
    <WithoutSignInAgain>
      <DialogBody className={styles.body}>
        <DialogTitle
          action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}
        >
          Connect
        </DialogTitle>
        <DialogContent>
          {actionError ? <ErrorBar error={actionError} /> : null}
          <div className={styles.content}>
            <section className={mergeClasses(styles.section, styles.pinned)} aria-labelledby="connect-profiles">
              <Subtitle2 as="h2" id="connect-profiles" className={styles.heading}>
                Remembered profiles
              </Subtitle2>
              {profiles.isPending ? (
                <Spinner size="small" label="Loading profiles…" labelPosition="after" />
              ) : listError ? (
                <ErrorBar error={listError} onRetry={() => void profiles.refetch()} retrying={profiles.isFetching} />
              ) : profiles.data && profiles.data.length > 0 ? (
                <ProfilesList
                  profiles={profiles.data}
                  activeName={session.data?.mode === "Profile" ? session.data.profileName : null}
                  pending={pending?.kind === "profile" ? pending.name : null}
                  disabled={busy}
                  onUse={(name) => void run({ kind: "profile", name }, () => commands.useProfile(name))}
                  onSignOut={(name) => void signOut(name)}
                />
              ) : (
                <Body1 className={styles.muted}>No profiles yet: sign in below and the sign-in is remembered.</Body1>
              )}
              <Subtitle2 as="h2" className={styles.heading}>
                Demo
              </Subtitle2>
              <Body1 className={styles.muted}>
                A made-up tenant with sample recommendations, to try the app without touching Azure.
              </Body1>
              <div>
                <Button
                  icon={pending?.kind === "demo" ? <Spinner size="tiny" /> : <BeakerRegular />}
                  disabled={busy}
                  onClick={() => void run({ kind: "demo" }, () => commands.openDemo())}
                >
                  Open the demo tenant
                </Button>
              </div>
            </section>
            <section className={styles.section} aria-labelledby="connect-new">
              <Subtitle2 as="h2" id="connect-new" className={styles.heading}>
                New sign-in
              </Subtitle2>
              <SignInForm
                busy={busy}
                error={signInError}
                onSubmit={(r) => void signIn(r)}
                progress={
                  signingIn ? (
                    <SignInProgress
                      method={signingIn}
                      prompt={device.prompt}
                      cancelling={cancelling}
                      onCancel={() => void cancel()}
                    />
                  ) : null
                }
              />
            </section>
          </div>
        </DialogContent>
      </DialogBody>
    </WithoutSignInAgain>
  );
}
