import { Body1, Caption1, Spinner, Subtitle2, makeStyles, tokens, mergeClasses } from "@fluentui/react-components";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { ErrorBar } from "../shared/ErrorBar";
import { invalidate, queries, queryError } from "../ipc/queries";
import { describeScope, lastSegment } from "../shared/scopeNames";

/** The scope an assignment lives at (its id up to `/providers/Microsoft.Authorization/policyAssignments/`). */
function assignmentScope(assignmentId: string): string {
  const at = assignmentId.toLowerCase().lastIndexOf("/providers/microsoft.authorization/policyassignments/");
  return at >= 0 ? assignmentId.slice(0, at) : assignmentId;
}

export const EFFECT_POLL_MS = 30_000;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  table: { borderCollapse: "collapse", width: "100%", fontSize: tokens.fontSizeBase300 },
  cell: {
    textAlign: "left",
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
  },
  num: { textAlign: "right", fontVariantNumeric: "tabular-nums" },
  muted: { color: tokens.colorNeutralForeground3 },
  held: { margin: 0, paddingLeft: tokens.spacingHorizontalL, overflowWrap: "anywhere" },
});

type Props = {
  applyId: string;
  /** The apply's recommendation (or the change key): whose counts and resources to read again. */
  recommendationKey: string | null;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
};

/** Whether Defender for Cloud shows the exempted resources as exempt yet;
 * asked again every 30 s while shown, until it does. */
export function EffectStatus({ applyId, recommendationKey, subscriptions, groups }: Props) {
  const styles = useStyles();
  const effect = useQuery({
    ...queries.effect(applyId),
    refetchInterval: (q) => (q.state.data?.complete ? false : EFFECT_POLL_MS),
  });
  // When the tracker sees Defender catch up, the counts shown elsewhere are stale.
  const client = useQueryClient();
  const seen = useRef<string | null>(null);
  const progress = effect.data
    ? `${effect.data.complete}|${effect.data.items.map((i) => `${i.scope}:${i.exempt}/${i.pending}`).join(",")}`
    : null;
  useEffect(() => {
    if (progress === null) return;
    if (seen.current !== null && seen.current !== progress) invalidate.afterEffectChange(client, recommendationKey);
    seen.current = progress;
  }, [progress, client, recommendationKey]);
  const failure = queryError(effect.error);
  if (failure)
    return <ErrorBar error={failure} title="Couldn't check Defender for Cloud" onRetry={() => void effect.refetch()} />;
  if (!effect.data) return <Spinner size="tiny" label="Asking Defender for Cloud…" labelPosition="after" />;
  const report = effect.data;
  const by = new Date(report.expectedBy).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  // Assignments that still hold a pending resource with no exemption of theirs: Defender will not catch up by itself.
  const held = report.items.flatMap((i) => i.heldBy);
  return (
    <section
      className={styles.root}
      data-testid="effect-status"
      data-complete={report.complete}
      aria-label="In Defender for Cloud"
    >
      <Subtitle2 as="h3">In Defender for Cloud</Subtitle2>
      <Body1>
        {report.complete
          ? "Defender for Cloud shows every exempted resource as Not applicable (Exempt)."
          : held.length > 0
            ? `Some resources are still held by an initiative assignment that no exemption covers, so Defender for Cloud will keep showing them as unhealthy:`
            : `Defender for Cloud can take up to 24 hours to show these resources as Not applicable (expected by ${by}).`}
      </Body1>
      {!report.complete && held.length > 0 ? (
        <ul className={styles.held} data-testid="effect-held-by">
          {held.map((h) => (
            <li key={`${h.assignmentId}|${h.resourceId}`}>
              <strong>{h.initiativeName}</strong> ({lastSegment(h.assignmentId)} at{" "}
              {describeScope(assignmentScope(h.assignmentId), subscriptions, groups).name}) still holds{" "}
              {h.resources === 1
                ? lastSegment(h.resourceId)
                : `${lastSegment(h.resourceId)} and ${h.resources - 1} more`}
              . Exempt it there, or at a scope that includes it.
            </li>
          ))}
        </ul>
      ) : null}
      <table className={styles.table}>
        <thead>
          <tr>
            <th className={styles.cell}>Scope</th>
            <th className={mergeClasses(styles.cell, styles.num)}>Pending</th>
            <th className={mergeClasses(styles.cell, styles.num)}>Exempt</th>
          </tr>
        </thead>
        <tbody>
          {report.items.map((i) => (
            <tr key={i.scope} data-testid="effect-item">
              <td className={styles.cell} title={i.scope}>
                {describeScope(i.scope, subscriptions, groups).name}
              </td>
              <td className={mergeClasses(styles.cell, styles.num)}>{i.pending}</td>
              <td className={mergeClasses(styles.cell, styles.num)}>{i.exempt}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!report.complete ? (
        <Caption1 className={styles.muted}>Checked again every 30 seconds while this is open.</Caption1>
      ) : null}
    </section>
  );
}
