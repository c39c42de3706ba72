import {
  Badge,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { Exemption, ExemptionCategory, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { formatExpiry, formatExpiryDate } from "../shared/formatDate";
import { scopeParts, type ScopeParts } from "../shared/subscriptionNames";
import { Truncated } from "../shared/Truncated";

// Fixed layout: narrow columns get fixed widths, the long ids a share, and the
// display name the rest. Below `minWidth` the card around the table scrolls
// sideways instead of clipping.
const useStyles = makeStyles({
  table: { tableLayout: "fixed", width: "100%", minWidth: "820px" },
  name: { fontWeight: tokens.fontWeightSemibold, overflowWrap: "anywhere" },
  // Header cells are content-box by default; border-box makes these the real widths.
  idColumn: { width: "16%", boxSizing: "border-box" },
  scopeColumn: { width: "19%", boxSizing: "border-box" },
  categoryColumn: { width: "92px", boxSizing: "border-box" },
  expiresColumn: { width: "108px", boxSizing: "border-box" },
  stateColumn: { width: "84px", boxSizing: "border-box" },
  refsColumn: { width: "13%", boxSizing: "border-box" },
  cell: { paddingTop: tokens.spacingVerticalS, paddingBottom: tokens.spacingVerticalS },
  stack: { display: "flex", flexDirection: "column", minWidth: 0, width: "100%" },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  muted: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  refs: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});

const SCOPE_KIND: Record<ScopeParts["kind"], string> = {
  subscription: "Subscription",
  resourceGroup: "Resource group",
  resource: "Resource",
  managementGroup: "Management group",
  other: "Scope",
};

const CATEGORY_SHORT: Record<ExemptionCategory, string> = { Mitigated: "Mitigated", Waiver: "Waiver" };

type Props = { exemptions: readonly Exemption[]; subscriptions: readonly Subscription[] };

export function ExemptionsTable({ exemptions, subscriptions }: Props) {
  const styles = useStyles();
  return (
    <Table aria-label="Exemptions" size="medium" className={styles.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Display name</TableHeaderCell>
          <TableHeaderCell className={styles.idColumn}>Name</TableHeaderCell>
          <TableHeaderCell className={styles.scopeColumn}>Subscription</TableHeaderCell>
          <TableHeaderCell className={styles.categoryColumn}>Category</TableHeaderCell>
          <TableHeaderCell className={styles.expiresColumn}>Expires</TableHeaderCell>
          <TableHeaderCell className={styles.stateColumn}>State</TableHeaderCell>
          <TableHeaderCell className={styles.refsColumn}>
            <Truncated text="Reference ids" />
          </TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {exemptions.map((e) => {
          const scope = scopeParts(e.scope, subscriptions);
          const refs = e.policyDefinitionReferenceIds;
          return (
            <TableRow key={e.id} data-testid="exemption-row" data-id={e.id}>
              <TableCell className={styles.cell} title={e.description ?? undefined}>
                <TableCellLayout className={styles.name}>{e.displayName || e.name}</TableCellLayout>
              </TableCell>
              <TableCell>
                <Truncated text={e.name} className={styles.mono} />
              </TableCell>
              <TableCell>
                <div className={styles.stack} title={e.scope}>
                  <Truncated text={scope.primary} title={e.scope} />
                  {scope.secondary ? (
                    <Truncated
                      text={scope.secondary}
                      title={
                        scope.kind === "managementGroup"
                          ? e.scope
                          : `${SCOPE_KIND[scope.kind]}: ${scope.secondary}\n${e.scope}`
                      }
                      className={styles.muted}
                    />
                  ) : null}
                </div>
              </TableCell>
              <TableCell>
                <Truncated
                  text={e.category ? CATEGORY_SHORT[e.category] : categoryLabel(null)}
                  title={categoryLabel(e.category)}
                />
              </TableCell>
              <TableCell>
                <Truncated text={formatExpiryDate(e.expiresOn)} title={formatExpiry(e.expiresOn)} />
              </TableCell>
              <TableCell>
                <Badge appearance="tint" shape="rounded" color={e.expired ? "danger" : "success"}>
                  {e.expired ? "Expired" : "Active"}
                </Badge>
              </TableCell>
              <TableCell>
                {refs.length > 0 ? (
                  <div className={styles.stack}>
                    {refs.map((id) => (
                      <Truncated key={id} text={id} className={styles.refs} />
                    ))}
                  </div>
                ) : (
                  <span className={styles.refs}>—</span>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
