import { Button, Caption1, Input, Spinner, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowClockwiseRegular, SearchRegular, ShieldDismissRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Exemption } from "../ipc/bindings";
import { countLabel, useArriving, useListView, type SortState } from "../shared/listView";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { queries, queryError, rowsSoFar, useSubscriptions } from "../ipc/queries";
import { ExemptionActions } from "./actions/ExemptionActions";
import { EXEMPTION_COMPARES, exemptionSearchText } from "./exemptionColumns";
import { ExemptionsTable } from "./ExemptionsTable";
import { SubscriptionFilter } from "./SubscriptionFilter";
import { TransferButtons } from "./transfer/TransferButtons";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  toolbar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  search: { width: "360px", maxWidth: "100%" },
  count: { color: tokens.colorNeutralForeground3 },
  heading: { display: "flex", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalM },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalS,
  },
});

const NONE: readonly Exemption[] = [];

export function ExemptionsPage() {
  const styles = useStyles();
  const subscriptions = useSubscriptions();
  // Remember what was unchecked, so every subscription starts checked.
  const [unchecked, setUnchecked] = useState<ReadonlySet<string>>(new Set());
  const checkedIds = useMemo(
    () => (subscriptions.data ?? []).map((s) => s.id).filter((id) => !unchecked.has(id)),
    [subscriptions.data, unchecked],
  );
  // The rows chosen for Extend / Edit / Remove expiry / Delete; the table sets it (wired at merge).
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const toggleSelected = useCallback(
    (id: string) =>
      setSelectedIds((set) => {
        const next = new Set(set);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const exemptions = useQuery({
    ...queries.exemptions(checkedIds),
    enabled: subscriptions.isSuccess && checkedIds.length > 0,
  });
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortState>(null);
  const searchText = useMemo(() => exemptionSearchText(subscriptions.data ?? []), [subscriptions.data]);
  const all = exemptions.data ?? NONE;
  // Rows streaming in (the read's partial list), or a refetch's rows arriving.
  const streaming = rowsSoFar(exemptions.data) !== null;
  const arriving = useArriving(exemptions) || streaming;
  const { shown, stale } = useListView(all, { searchText, search, sort, compares: EXEMPTION_COMPARES });
  const toggle = (id: string, checked: boolean) =>
    setUnchecked((set) => {
      const next = new Set(set);
      if (checked) next.delete(id);
      else next.add(id);
      return next;
    });

  const error = queryError(subscriptions.error) ?? queryError(exemptions.error);
  const refresh = () => {
    if (subscriptions.isError) void subscriptions.refetch();
    else void exemptions.refetch();
  };
  const fetching = subscriptions.isFetching || exemptions.isFetching;

  return (
    <div className={styles.root}>
      <div className={styles.heading}>
        <Title3 as="h2">Exemptions</Title3>
        <Button
          icon={fetching ? <Spinner size="extra-tiny" /> : <ArrowClockwiseRegular />}
          onClick={refresh}
          disabled={subscriptions.isSuccess && checkedIds.length === 0}
        >
          Refresh
        </Button>
      </div>
      {subscriptions.data ? (
        <SubscriptionFilter
          subscriptions={subscriptions.data}
          isChecked={(id) => !unchecked.has(id)}
          onToggle={toggle}
        />
      ) : null}
      <div className={styles.toolbar}>
        <Input
          className={styles.search}
          aria-label="Search exemptions"
          placeholder="Search exemptions"
          contentBefore={<SearchRegular />}
          value={search}
          onChange={(_, data) => setSearch(data.value)}
          type="search"
        />
        {/* The register passes its shown rows (RegisterEntry[]) as `entries`. */}
        <TransferButtons entries={[]} subscriptions={subscriptions.data ?? []} />
        {exemptions.data ? (
          <Caption1 className={styles.count} aria-live="polite" aria-busy={stale} data-testid="list-count">
            {countLabel(shown.length, all.length, "exemption", arriving)}
          </Caption1>
        ) : null}
      </div>
      {error ? <ErrorBar error={error} title="Couldn't load exemptions" onRetry={refresh} retrying={fetching} /> : null}
      {subscriptions.isPending || (checkedIds.length > 0 && exemptions.isPending && exemptions.isFetching) ? (
        <Spinner label="Loading exemptions…" />
      ) : subscriptions.isSuccess && checkedIds.length === 0 ? (
        <div className={styles.card}>
          <EmptyState icon={<ShieldDismissRegular />} title="No subscription chosen">
            Choose at least one subscription to see its exemptions.
          </EmptyState>
        </div>
      ) : exemptions.data ? (
        <div className={styles.card}>
          <ExemptionActions
            selected={all.filter((e) => selectedIds.has(e.id))}
            subscriptions={subscriptions.data ?? []}
          />
          {shown.length > 0 ? (
            <ExemptionsTable
              exemptions={shown}
              subscriptions={subscriptions.data ?? []}
              sort={sort}
              onSortChange={setSort}
              selectedIds={selectedIds}
              onToggle={toggleSelected}
            />
          ) : search.trim() && all.length > 0 ? (
            <EmptyState icon={<ShieldDismissRegular />} title="No exemptions">
              {`No exemption matches "${search.trim()}".`}
            </EmptyState>
          ) : (
            <EmptyState icon={<ShieldDismissRegular />} title="No exemptions">
              No exemptions at these subscriptions.
            </EmptyState>
          )}
        </div>
      ) : null}
    </div>
  );
}
