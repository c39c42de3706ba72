import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";
import type { CloudChoice, Profile } from "../ipc/bindings";
import { CLOUD_LABELS, METHOD_LABELS } from "./signInForm";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  item: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  active: { border: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}` },
  text: { display: "flex", flexDirection: "column", minWidth: 0, flexGrow: 1 },
  ellipsis: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexShrink: 0 },
});

export function cloudName(cloud: CloudChoice): string {
  return cloud.kind === "Custom" && cloud.armEndpoint ? `Custom (${cloud.armEndpoint})` : CLOUD_LABELS[cloud.kind];
}

type Props = {
  profiles: readonly Profile[];
  activeName: string | null;
  /** The profile an action is running for, if any. */
  pending: string | null;
  disabled: boolean;
  onUse: (name: string) => void;
  onSignOut: (name: string) => void;
};

export function ProfilesList({ profiles, activeName, pending, disabled, onUse, onSignOut }: Props) {
  const styles = useStyles();
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <>
      <ul className={styles.list} aria-label="Remembered profiles">
        {profiles.map((p) => {
          const active = p.name === activeName;
          return (
            <li
              key={p.name}
              className={active ? `${styles.item} ${styles.active}` : styles.item}
              data-testid="profile"
              data-profile={p.name}
              aria-label={p.name}
            >
              <div className={styles.text}>
                <Text weight="semibold" className={styles.ellipsis}>
                  {p.name}
                  {active ? " (in use)" : ""}
                </Text>
                <Caption1 className={styles.ellipsis} title={p.account}>
                  {p.account || "Not signed in yet"}
                </Caption1>
                <Caption1 className={styles.ellipsis} title={`Tenant ${p.tenant}`}>
                  Tenant {p.tenant}
                </Caption1>
                <Caption1 className={styles.ellipsis}>
                  {cloudName(p.cloud)} · {METHOD_LABELS[p.method]}
                </Caption1>
              </div>
              <div className={styles.buttons}>
                {pending === p.name ? <Spinner size="tiny" aria-label={`Working on ${p.name}`} /> : null}
                <Button appearance="primary" disabled={disabled} onClick={() => onUse(p.name)}>
                  Use
                </Button>
                <Button disabled={disabled} onClick={() => setConfirming(p.name)}>
                  Sign out
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      <Dialog modalType="alert" open={confirming !== null} onOpenChange={(_, d) => !d.open && setConfirming(null)}>
        <DialogSurface data-testid="sign-out-confirm">
          <DialogBody>
            <DialogTitle>Sign out of “{confirming}”?</DialogTitle>
            <DialogContent>
              This removes the profile and its saved credential (refresh token or client secret) from the OS keyring. To
              use this tenant again you will have to sign in again.
            </DialogContent>
            <DialogActions>
              <Button
                appearance="primary"
                onClick={() => {
                  const name = confirming;
                  setConfirming(null);
                  if (name) onSignOut(name);
                }}
              >
                Sign out
              </Button>
              <Button onClick={() => setConfirming(null)}>Keep it</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}
