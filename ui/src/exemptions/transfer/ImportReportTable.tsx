import {
  Badge,
  Caption1,
  Checkbox,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { RowAction } from "../../ipc/bindings";
import { ACTION_WORDS, COLUMN_WORDS, type ReportLine } from "./importView";

/** More rows than this are summarised: those with errors come first. */
export const ROWS_SHOWN = 300;

const useStyles = makeStyles({
  table: { tableLayout: "fixed", width: "100%" },
  narrow: { width: "64px" },
  action: { width: "110px" },
  name: { overflowWrap: "anywhere" },
  scope: { display: "block", color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
  errors: { margin: 0, paddingLeft: tokens.spacingHorizontalL, color: tokens.colorPaletteRedForeground1 },
  column: { fontWeight: tokens.fontWeightSemibold },
});

const COLORS: Record<RowAction, "success" | "brand" | "informative" | "subtle" | "danger"> = {
  create: "success",
  update: "brand",
  unchanged: "informative",
  excluded: "subtle",
  invalid: "danger",
};

type Props = {
  lines: readonly ReportLine[];
  excluded: ReadonlySet<number>;
  onToggle: (row: number, imported: boolean) => void;
  disabled?: boolean;
};

/** Every row of the file: whether it is imported, what it does, and its errors by column. */
export function ImportReportTable({ lines, excluded, onToggle, disabled }: Props) {
  const styles = useStyles();
  const ordered = [...lines].sort((a, b) => Number(b.row.errors.length > 0) - Number(a.row.errors.length > 0));
  const shown = ordered.slice(0, ROWS_SHOWN);
  return (
    <>
      <Table className={styles.table} size="small" aria-label="Rows of the file" data-testid="import-report">
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.narrow}>Import</TableHeaderCell>
            <TableHeaderCell className={styles.narrow}>Row</TableHeaderCell>
            <TableHeaderCell>Exemption</TableHeaderCell>
            <TableHeaderCell className={styles.action}>Does</TableHeaderCell>
            <TableHeaderCell>Errors</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map(({ row, outcome }) => {
            const action: RowAction = excluded.has(row.row) ? "excluded" : (outcome?.action ?? "invalid");
            return (
              <TableRow key={row.row} data-testid="import-row" data-row={row.row} data-action={action}>
                <TableCell>
                  <Checkbox
                    aria-label={`Import row ${row.row}`}
                    checked={!excluded.has(row.row)}
                    disabled={disabled}
                    onChange={(_, d) => onToggle(row.row, d.checked === true)}
                  />
                </TableCell>
                <TableCell>{row.row}</TableCell>
                <TableCell>
                  <span className={styles.name}>{row.name || "(no name)"}</span>
                  <Caption1 className={styles.scope}>{row.scope || "(no scope)"}</Caption1>
                </TableCell>
                <TableCell>
                  <Badge appearance="tint" color={COLORS[action]} shape="rounded">
                    {ACTION_WORDS[action]}
                  </Badge>
                </TableCell>
                <TableCell>
                  {row.errors.length > 0 ? (
                    <ul className={styles.errors} aria-label={`Errors in row ${row.row}`}>
                      {row.errors.map((e, i) => (
                        <li key={i} data-testid="import-error" data-column={e.column ?? ""}>
                          <Caption1>
                            {e.column ? (
                              <span className={styles.column}>{COLUMN_WORDS[e.column] ?? e.column}: </span>
                            ) : null}
                            {e.message}
                          </Caption1>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {lines.length > shown.length ? (
        <Caption1>{`Showing ${shown.length} of ${lines.length} rows, those with errors first.`}</Caption1>
      ) : null}
    </>
  );
}
