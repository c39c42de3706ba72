import { Badge, Checkbox, makeStyles, tokens } from "@fluentui/react-components";
import { useMemo } from "react";
import type { Exemption, ExemptionCategory, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { formatExpiry, formatExpiryDate } from "../shared/formatDate";
import type { SortState } from "../shared/listView";
import { scopeParts, type ScopeParts } from "../shared/subscriptionNames";
import { Truncated } from "../shared/Truncated";
import { VirtualTable, type Column } from "../shared/VirtualTable";

const useStyles = makeStyles({
  table: { minHeight: "120px" },
  // At most two lines, then an ellipsis; the description is in the tooltip.
  name: {
    fontWeight: tokens.fontWeightSemibold,
    display: "-webkit-box",
    WebkitBoxOrient: "vertical",
    WebkitLineClamp: 2,
    overflow: "hidden",
    overflowWrap: "anywhere",
  },
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

type Props = {
  exemptions: readonly Exemption[];
  subscriptions: readonly Subscription[];
  sort: SortState;
  onSortChange: (sort: SortState) => void;
  /** Ids of the rows chosen for an action; Enter, Space or a click on a row toggles it. */
  selectedIds: ReadonlySet<string>;
  onToggle: (id: string) => void;
};

// Narrow columns get fixed widths, the long ids a share, and the display name
// the rest; below `minWidth` the table scrolls sideways instead of clipping.
export function ExemptionsTable({ exemptions, subscriptions, sort, onSortChange, selectedIds, onToggle }: Props) {
  const styles = useStyles();
  const columns = useMemo<Column<Exemption>[]>(
    () => [
      {
        id: "select",
        header: "",
        title: "Chosen for an action",
        width: "40px",
        render: (e) => (
          <Checkbox
            aria-label={`Choose ${e.displayName || e.name}`}
            checked={selectedIds.has(e.id)}
            tabIndex={-1}
            onChange={() => onToggle(e.id)}
            onClick={(event) => event.stopPropagation()}
          />
        ),
      },
      {
        id: "displayName",
        header: "Display name",
        width: "minmax(160px, 1fr)",
        sortable: true,
        render: (e) => (
          <span className={styles.name} title={e.description ?? undefined}>
            {e.displayName || e.name}
          </span>
        ),
      },
      {
        id: "name",
        header: "Name",
        width: "16%",
        sortable: true,
        render: (e) => <Truncated text={e.name} className={styles.mono} />,
      },
      {
        id: "scope",
        header: "Subscription",
        width: "19%",
        sortable: true,
        render: (e) => {
          const scope = scopeParts(e.scope, subscriptions);
          return (
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
          );
        },
      },
      {
        id: "category",
        header: "Category",
        width: "100px",
        sortable: true,
        render: (e) => (
          <Truncated
            text={e.category ? CATEGORY_SHORT[e.category] : categoryLabel(null)}
            title={categoryLabel(e.category)}
          />
        ),
      },
      {
        id: "expires",
        header: "Expires",
        width: "116px",
        sortable: true,
        render: (e) => <Truncated text={formatExpiryDate(e.expiresOn)} title={formatExpiry(e.expiresOn)} />,
      },
      {
        id: "state",
        header: "State",
        width: "88px",
        sortable: true,
        render: (e) => (
          <Badge appearance="tint" shape="rounded" color={e.expired ? "danger" : "success"}>
            {e.expired ? "Expired" : "Active"}
          </Badge>
        ),
      },
      {
        id: "refs",
        header: "Reference ids",
        title: "Reference ids",
        width: "13%",
        sortable: true,
        render: (e) => <References ids={e.policyDefinitionReferenceIds} className={styles.refs} />,
      },
    ],
    [styles, subscriptions, selectedIds, onToggle],
  );
  return (
    <VirtualTable
      aria-label="Exemptions"
      className={styles.table}
      rows={exemptions}
      rowKey={(e) => e.id}
      columns={columns}
      rowHeight={60}
      maxHeight="calc(100vh - 260px)"
      minWidth="860px"
      sort={sort}
      onSortChange={onSortChange}
      onOpen={(e) => onToggle(e.id)}
      rowAttributes={(e) => ({ "data-testid": "exemption-row", "data-id": e.id })}
    />
  );
}

/** The first reference id, and "+N more" when there are more (all of them in the tooltip): two lines at most. */
function References({ ids, className }: { ids: readonly string[]; className: string }) {
  const styles = useStyles();
  if (ids.length === 0) return <span className={className}>—</span>;
  const all = ids.join("\n");
  return (
    <div className={styles.stack} title={all}>
      <Truncated text={ids[0]!} title={all} className={className} />
      {ids.length > 1 ? <Truncated text={`+${ids.length - 1} more`} title={all} className={className} /> : null}
    </div>
  );
}
