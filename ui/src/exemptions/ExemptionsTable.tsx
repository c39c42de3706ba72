import {
  Badge,
  Caption1,
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
import type { Exemption, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { formatExpiry } from "../shared/formatDate";
import { scopeLabel } from "../shared/subscriptionNames";

const useStyles = makeStyles({
  name: { fontWeight: tokens.fontWeightSemibold },
  table: { tableLayout: "auto" },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: "nowrap" },
  refs: { color: tokens.colorNeutralForeground2, overflowWrap: "anywhere" },
  nowrap: { whiteSpace: "nowrap" },
});

type Props = { exemptions: readonly Exemption[]; subscriptions: readonly Subscription[] };

export function ExemptionsTable({ exemptions, subscriptions }: Props) {
  const styles = useStyles();
  return (
    <Table aria-label="Exemptions" size="medium" className={styles.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Display name</TableHeaderCell>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Subscription</TableHeaderCell>
          <TableHeaderCell>Category</TableHeaderCell>
          <TableHeaderCell>Expires</TableHeaderCell>
          <TableHeaderCell style={{ width: "96px" }}>State</TableHeaderCell>
          <TableHeaderCell>Reference ids</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {exemptions.map((e) => (
          <TableRow key={e.id} data-testid="exemption-row" data-id={e.id}>
            <TableCell>
              <TableCellLayout className={styles.name}>{e.displayName || e.name}</TableCellLayout>
            </TableCell>
            <TableCell>
              <span className={styles.mono}>{e.name}</span>
            </TableCell>
            <TableCell title={e.scope}>{scopeLabel(e.scope, subscriptions)}</TableCell>
            <TableCell>{categoryLabel(e.category)}</TableCell>
            <TableCell className={styles.nowrap}>{formatExpiry(e.expiresOn)}</TableCell>
            <TableCell>
              <Badge appearance="tint" shape="rounded" color={e.expired ? "danger" : "success"}>
                {e.expired ? "Expired" : "Active"}
              </Badge>
            </TableCell>
            <TableCell>
              <Caption1 className={styles.refs}>
                {e.policyDefinitionReferenceIds.length > 0 ? e.policyDefinitionReferenceIds.join(", ") : "—"}
              </Caption1>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
