import {
  Body1,
  Button,
  Caption1,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
  mergeClasses,
} from "@fluentui/react-components";
import { ArrowClockwiseRegular } from "@fluentui/react-icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { commands, type ErrorPayload, type ManagementGroupNode, type Preparation } from "../../ipc/bindings";
import { invalidate } from "../../ipc/queries";
import { ErrorBar } from "../../shared/ErrorBar";
import { findGroup } from "../../shared/managementGroups";
import { CheckRow } from "./CheckRow";
import { GrantReaderDialog } from "./GrantReaderDialog";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  heading: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
  recheck: { marginLeft: "auto" },
  list: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
  },
  stale: { opacity: 0.6 },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Props = {
  preparation: Preparation | null;
  /** The preparation is for the form as it is now. */
  current: boolean;
  running: boolean;
  error: ErrorPayload | null;
  groups: ManagementGroupNode | null | undefined;
  /** Reads Azure anew for the chosen recommendation and scope; null while the form can't be checked. */
  onRecheck: (() => void) | null;
};

/** What the backend checked before anything is sent, and what the user can do
 * about it. Azure is read once per choice of recommendation and scope; "Check
 * again" reads it anew (after a change made outside the app). */
export function ChecksSection({ preparation, current, running, error, groups, onRecheck }: Props) {
  const styles = useStyles();
  const [granting, setGranting] = useState<string | null>(null);
  const initiatives = [...new Set((preparation?.writes ?? []).map((w) => w.initiativeName))];
  const client = useQueryClient();
  // Once granted, the checks run again (the preparation is read anew).
  const grant = useMutation({
    mutationFn: (mg: string) => commands.grantSecurityReader(mg),
    onSuccess: () => invalidate.afterGrantReader(client),
  });
  return (
    <section className={styles.root} data-testid="checks" aria-label="Checks" aria-busy={running}>
      <div className={styles.heading}>
        <Subtitle2 as="h3">Checks</Subtitle2>
        {running ? <Spinner size="extra-tiny" label="Checking…" labelPosition="after" /> : null}
        {onRecheck ? (
          <Button
            className={styles.recheck}
            size="small"
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            disabled={running}
            onClick={onRecheck}
            title="Read permissions, assignments and existing exemptions from Azure again"
          >
            Check again
          </Button>
        ) : null}
      </div>
      {error ? <ErrorBar error={error} title="Couldn't run the checks" /> : null}
      {preparation ? (
        <ul className={mergeClasses(styles.list, current ? undefined : styles.stale)}>
          {preparation.checks.map((c) => (
            <CheckRow key={`${c.kind}-${c.title}`} check={c} onGrant={setGranting} />
          ))}
        </ul>
      ) : !error ? (
        <Caption1 className={styles.muted}>
          {running ? "Checking…" : "Choose where to exempt and fill in the form: the checks run as you go."}
        </Caption1>
      ) : null}
      {preparation && initiatives.length > 0 ? (
        <Body1 data-testid="initiatives-covered">
          Covers {initiatives.length === 1 ? "the initiative" : `${initiatives.length} initiatives`}:{" "}
          {initiatives.join(", ")}
        </Body1>
      ) : null}
      <GrantReaderDialog
        managementGroup={granting}
        displayName={granting ? (findGroup(groups, granting)?.displayName ?? granting) : ""}
        onGrant={grant.mutateAsync}
        onClose={() => setGranting(null)}
      />
    </section>
  );
}
