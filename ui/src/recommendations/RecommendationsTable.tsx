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
import { ExemptibleCell } from "./ExemptibleCell";

const useStyles = makeStyles({
  table: { tableLayout: "auto" },
  row: {
    cursor: "pointer",
    ":focus-visible": {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: `calc(-1 * ${tokens.strokeWidthThick})`,
    },
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  number: { fontVariantNumeric: "tabular-nums" },
  unhealthy: { width: "170px" },
  narrow: { width: "120px" },
  exemptible: { width: "180px" },
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
          <TableHeaderCell className={styles.narrow}>Severity</TableHeaderCell>
          <TableHeaderCell className={styles.unhealthy}>Unhealthy resources</TableHeaderCell>
          <TableHeaderCell className={styles.exemptible}>Can be exempted</TableHeaderCell>
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
            <TableCell>
              <TableCellLayout className={styles.name} truncate>
                {r.displayName}
              </TableCellLayout>
            </TableCell>
            <TableCell>
              <SeverityBadge severity={r.severity} />
            </TableCell>
            <TableCell className={styles.number}>{r.unhealthyCount}</TableCell>
            <TableCell>
              <ExemptibleCell reason={r.notExemptibleReason} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
