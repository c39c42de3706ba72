import { makeStyles, tokens } from "@fluentui/react-components";
import { memo, useMemo } from "react";
import type { Recommendation } from "../ipc/bindings";
import type { SortState } from "../shared/listView";
import { SeverityBadge } from "../shared/SeverityBadge";
import { VirtualTable, type Column } from "../shared/VirtualTable";
import { ExemptibleCell } from "./ExemptibleCell";

const useStyles = makeStyles({
  table: { minHeight: "120px" },
  name: { fontWeight: tokens.fontWeightSemibold },
  // At most two lines, then an ellipsis; the full name is in the tooltip.
  clamp: {
    display: "-webkit-box",
    WebkitBoxOrient: "vertical",
    WebkitLineClamp: 2,
    overflow: "hidden",
    overflowWrap: "anywhere",
  },
  number: { fontVariantNumeric: "tabular-nums" },
  nowrap: { whiteSpace: "nowrap", overflow: "hidden" },
});

type Props = {
  recommendations: readonly Recommendation[];
  onOpen: (r: Recommendation) => void;
  sort: SortState;
  onSortChange: (sort: SortState) => void;
};

const label = (r: Recommendation) =>
  `${r.displayName}, ${r.severity} severity, ${r.unhealthyCount} unhealthy${
    r.exemptedCount > 0 ? `, ${r.exemptedCount} exempted` : ""
  }${r.notExemptibleReason === null ? "" : ", can't be exempted"}`;

// The name takes what the fixed columns leave; below `minWidth` the table scrolls sideways.
// Memoised: a search keystroke renders it again only once the rows shown change.
export const RecommendationsTable = memo(function RecommendationsTable({
  recommendations,
  onOpen,
  sort,
  onSortChange,
}: Props) {
  const styles = useStyles();
  const columns = useMemo<Column<Recommendation>[]>(
    () => [
      {
        id: "name",
        header: "Recommendation",
        width: "minmax(200px, 1fr)",
        sortable: true,
        className: styles.name,
        render: (r) => (
          <span className={styles.clamp} title={r.displayName}>
            {r.displayName}
          </span>
        ),
      },
      {
        id: "severity",
        header: "Severity",
        width: "104px",
        sortable: true,
        render: (r) => <SeverityBadge severity={r.severity} />,
      },
      {
        id: "unhealthy",
        header: "Unhealthy",
        width: "120px",
        sortable: true,
        className: styles.number,
        render: (r) => r.unhealthyCount.toLocaleString("en-US"),
      },
      {
        id: "exempted",
        header: "Exempted",
        width: "112px",
        sortable: true,
        className: styles.number,
        render: (r) => r.exemptedCount.toLocaleString("en-US"),
      },
      {
        id: "exemptible",
        header: "Can be exempted",
        width: "168px",
        sortable: true,
        className: styles.nowrap,
        render: (r) => <ExemptibleCell reason={r.notExemptibleReason} />,
      },
    ],
    [styles],
  );
  return (
    <VirtualTable
      aria-label="Recommendations"
      className={styles.table}
      rows={recommendations}
      rowKey={(r) => r.key}
      columns={columns}
      rowHeight={56}
      maxHeight="calc(100vh - 220px)"
      minWidth="700px"
      sort={sort}
      onSortChange={onSortChange}
      onOpen={onOpen}
      rowAttributes={(r) => ({ "data-testid": "recommendation-row", "data-key": r.key, "aria-label": label(r) })}
    />
  );
});
