import { Button, Spinner, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowClockwiseRegular, ShieldDismissRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { queries, queryError, useSubscriptions } from "../ipc/queries";
import { ExemptionActions } from "./actions/ExemptionActions";
import { ExemptionsTable } from "./ExemptionsTable";
import { SubscriptionFilter } from "./SubscriptionFilter";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  heading: { display: "flex", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalM },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalS,
    overflowX: "auto",
  },
});

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
  const [selectedIds] = useState<ReadonlySet<string>>(new Set());
  const exemptions = useQuery({
    ...queries.exemptions(checkedIds),
    enabled: subscriptions.isSuccess && checkedIds.length > 0,
  });
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
            selected={exemptions.data.filter((e) => selectedIds.has(e.id))}
            subscriptions={subscriptions.data ?? []}
          />
          {exemptions.data.length > 0 ? (
            <ExemptionsTable exemptions={exemptions.data} subscriptions={subscriptions.data ?? []} />
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
