import { Caption1, makeStyles, tokens } from "@fluentui/react-components";
import type { AuditEntry } from "../../ipc/bindings";
import { formatExpiry } from "../../shared/formatDate";
import { ACTION_LABELS, STATE_LABELS, changeValue } from "./detailsText";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  head: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
  changes: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** What Exemption Desk did to the exemption, oldest first. */
export function AuditEntries({ entries }: { entries: readonly AuditEntry[] }) {
  const styles = useStyles();
  if (entries.length === 0) {
    return (
      <Caption1 className={styles.muted}>Exemption Desk has not changed this exemption from this computer.</Caption1>
    );
  }
  return (
    <ol className={styles.list} aria-label="Audit entries">
      {entries.map((e, i) => (
        <li key={`${e.at} ${i}`} data-testid="audit-entry">
          <div className={styles.head}>
            {ACTION_LABELS[e.action]}
            {e.state ? ` · ${STATE_LABELS[e.state]}` : ""}
          </div>
          <Caption1 className={styles.muted}>{`${formatExpiry(e.at)} by ${e.account}`}</Caption1>
          {e.changes.length > 0 ? (
            <ul className={styles.changes}>
              {e.changes.map((c) => (
                <li key={c.field}>
                  <Caption1>{`${c.field}: ${changeValue(c.before)} → ${changeValue(c.after)}`}</Caption1>
                </li>
              ))}
            </ul>
          ) : null}
          {e.message ? (
            <div>
              <Caption1 className={styles.muted}>{e.message}</Caption1>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
