import { makeStyles } from "@fluentui/react-components";
import { useMemo } from "react";
import type { AssessedResource, Subscription } from "../../ipc/bindings";
import { compareText, type Compare, type SortState } from "../../shared/listView";
import { subscriptionName } from "../../shared/subscriptionNames";
import { Truncated } from "../../shared/Truncated";
import { VirtualTable, type Column } from "../../shared/VirtualTable";
import { ResourceLine } from "./ResourceLine";

const useStyles = makeStyles({ table: { minHeight: "120px" } });

/** How each column of the resources table sorts (ascending). */
export const RESOURCE_COMPARES: Record<string, Compare<AssessedResource>> = {
  name: (a, b) => compareText(a.name, b.name) || compareText(a.resourceType, b.resourceType),
  resourceGroup: (a, b) => compareText(a.resourceGroup ?? "", b.resourceGroup ?? ""),
  subscription: (a, b) => compareText(a.subscriptionId, b.subscriptionId),
};

/** What a search looks in: the name, type, resource group, subscription (id and name) and the id. */
export function resourceSearchText(subscriptions: readonly Subscription[]) {
  return (r: AssessedResource) =>
    [r.name, r.resourceType, r.resourceGroup ?? "", subscriptionName(r.subscriptionId, subscriptions), r.id].join("\n");
}

type Props = {
  label: string;
  resources: readonly AssessedResource[];
  subscriptions: readonly Subscription[];
  sort: SortState;
  onSortChange: (sort: SortState) => void;
  rowHeight: number;
};

export function ResourcesTable({ label, resources, subscriptions, sort, onSortChange, rowHeight }: Props) {
  const styles = useStyles();
  const columns = useMemo<Column<AssessedResource>[]>(
    () => [
      {
        id: "name",
        header: "Resource",
        width: "minmax(160px, 1fr)",
        sortable: true,
        render: (r) => <ResourceLine resource={r} />,
      },
      {
        id: "resourceGroup",
        header: "Resource group",
        width: "152px",
        sortable: true,
        render: (r) => <Truncated text={r.resourceGroup ?? "—"} />,
      },
      {
        id: "subscription",
        header: "Subscription",
        width: "140px",
        sortable: true,
        render: (r) => <Truncated text={subscriptionName(r.subscriptionId, subscriptions)} />,
      },
    ],
    [subscriptions],
  );
  return (
    <VirtualTable
      aria-label={label}
      className={styles.table}
      rows={resources}
      rowKey={(r) => r.id}
      columns={columns}
      rowHeight={rowHeight}
      maxHeight="60vh"
      minWidth="480px"
      sort={sort}
      onSortChange={onSortChange}
      rowAttributes={(r) => ({ "data-testid": "assessed-resource", "data-status": r.status, title: r.id })}
    />
  );
}
