import {
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
  useArrowNavigationGroup,
} from "@fluentui/react-components";
import type { KeyboardEvent } from "react";
import type { Recommendation } from "../ipc/bindings";
import { SeverityBadge } from "../shared/SeverityBadge";
import { Truncated } from "../shared/Truncated";
import { ExemptibleCell } from "./ExemptibleCell";

// Fixed layout: the narrow columns get the widths below and the name takes the
// rest (at most two lines, then an ellipsis; the full name is in the tooltip).
// In narrow windows the fixed columns shrink a little (the count's header wraps
// onto two lines); below `minWidth` the card around the table scrolls sideways
// instead of clipping.
const NARROW = "@media (max-width: 1120px)";

const useStyles = makeStyles({
  table: { tableLayout: "fixed", width: "100%", minWidth: "560px" },
  row: {
    cursor: "pointer",
    ":focus-visible": {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: `calc(-1 * ${tokens.strokeWidthThick})`,
    },
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  nameCell: { paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  clamp: {
    display: "-webkit-box",
    WebkitBoxOrient: "vertical",
    WebkitLineClamp: 2,
    overflow: "hidden",
    overflowWrap: "anywhere",
  },
  number: { fontVariantNumeric: "tabular-nums" },
  // Header cells are content-box by default; border-box makes these the real widths.
  severity: { width: "104px", boxSizing: "border-box", [NARROW]: { width: "88px" } },
  unhealthy: { width: "176px", boxSizing: "border-box", [NARROW]: { width: "112px" } },
  exemptible: { width: "176px", boxSizing: "border-box" },
  nowrap: { whiteSpace: "nowrap" },
});

type Props = {
  recommendations: readonly Recommendation[];
  onOpen: (r: Recommendation) => void;
};

export function RecommendationsTable({ recommendations, onOpen }: Props) {
  const styles = useStyles();
  const arrows = useArrowNavigationGroup({ axis: "vertical", memorizeCurrent: true });
  const onKeyDown = (e: KeyboardEvent, r: Recommendation) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onOpen(r);
    }
  };
  return (
    <Table aria-label="Recommendations" className={styles.table} size="medium">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Recommendation</TableHeaderCell>
          <TableHeaderCell className={styles.severity}>Severity</TableHeaderCell>
          <TableHeaderCell className={styles.unhealthy}>Unhealthy resources</TableHeaderCell>
          <TableHeaderCell className={styles.exemptible}>
            <Truncated text="Can be exempted" />
          </TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody {...arrows}>
        {recommendations.map((r) => (
          <TableRow
            key={r.key}
            className={styles.row}
            tabIndex={0}
            data-testid="recommendation-row"
            data-key={r.key}
            aria-label={`${r.displayName}, ${r.severity} severity, ${r.unhealthyCount} unhealthy${
              r.notExemptibleReason === null ? "" : ", can't be exempted"
            }`}
            onClick={() => onOpen(r)}
            onKeyDown={(e) => onKeyDown(e, r)}
          >
            <TableCell className={styles.nameCell} title={r.displayName}>
              <TableCellLayout className={styles.name}>
                <span className={styles.clamp}>{r.displayName}</span>
              </TableCellLayout>
            </TableCell>
            <TableCell>
              <SeverityBadge severity={r.severity} />
            </TableCell>
            <TableCell className={styles.number}>{r.unhealthyCount}</TableCell>
            <TableCell className={styles.nowrap}>
              <ExemptibleCell reason={r.notExemptibleReason} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
