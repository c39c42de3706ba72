import { Badge, makeStyles, tokens } from "@fluentui/react-components";
import { useMemo } from "react";
import type { ActivityEntry } from "../ipc/bindings";
import { Truncated } from "../shared/Truncated";
import { VirtualTable, type Column } from "../shared/VirtualTable";
import { KIND_LABELS, formatWhen, isBadOutcome } from "./activityView";

const useStyles = makeStyles({
  table: { minHeight: "120px" },
  bad: { color: tokens.colorPaletteRedForeground1 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

/** The audit log's lines, newest first; only the lines in view are in the page. */
export function ActivityTable({ entries }: { entries: readonly ActivityEntry[] }) {
  const styles = useStyles();
  const columns = useMemo<Column<ActivityEntry>[]>(
    () => [
      { id: "at", header: "When", width: "180px", render: (e) => <Truncated text={formatWhen(e.at)} title={e.at} /> },
      { id: "account", header: "Who", width: "minmax(140px, 1fr)", render: (e) => <Truncated text={e.account} /> },
      {
        id: "kind",
        header: "Kind",
        width: "100px",
        render: (e) => (
          <Badge appearance="tint" shape="rounded" color={e.kind === "Delete" ? "danger" : "informative"}>
            {KIND_LABELS[e.kind]}
          </Badge>
        ),
      },
      { id: "summary", header: "What", width: "minmax(220px, 2.2fr)", render: (e) => <Truncated text={e.summary} /> },
      {
        id: "outcome",
        header: "Outcome",
        width: "minmax(110px, 0.9fr)",
        render: (e) => <Truncated text={e.outcome} className={isBadOutcome(e.outcome) ? styles.bad : undefined} />,
      },
      {
        id: "subject",
        header: "Subject",
        width: "minmax(160px, 1.2fr)",
        render: (e) => <Truncated text={e.subject ?? "—"} className={styles.mono} />,
      },
    ],
    [styles],
  );
  return (
    <VirtualTable
      aria-label="Activity"
      className={styles.table}
      rows={entries}
      rowKey={(e) => `${e.at}|${e.kind}|${e.account}|${e.summary}|${e.subject ?? ""}`}
      columns={columns}
      rowHeight={40}
      maxHeight="max(240px, calc(100vh - 300px))"
      minWidth="1060px"
      rowAttributes={(e) => ({ "data-testid": "activity-row", "data-kind": e.kind })}
    />
  );
}
