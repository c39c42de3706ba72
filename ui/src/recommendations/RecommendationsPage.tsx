import { Caption1, Input, Select, Spinner, Title3, makeStyles, tokens, useId } from "@fluentui/react-components";
import { SearchRegular, ShieldCheckmarkRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useExemptTarget } from "../app/exemptTarget";
import type { ExemptionDraft, Recommendation } from "../ipc/bindings";
import { ExemptDrawer, type DrawerTarget } from "../exempt/ExemptDrawer";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { NO_SUBSCRIPTIONS, countedSoFar, queries, queryError, useSubscriptions } from "../ipc/queries";
import { countLabel, useListView, type SortState } from "../shared/listView";
import {
  RECOMMENDATION_COMPARES,
  STATUS_FILTERS,
  compareRecommendations,
  filterByStatus,
  recommendationSearchText,
  useSteadyOrder,
  type StatusFilter,
} from "./filterAndSort";
import { RecommendationsTable } from "./RecommendationsTable";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "1200px", minWidth: 0 },
  toolbar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  search: { width: "360px", maxWidth: "100%" },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalS,
  },
  count: { color: tokens.colorNeutralForeground3 },
  // Room kept for "Counting… N of M subscriptions" once the list shows, so the toolbar never reflows when it goes.
  counting: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXS,
    minWidth: "260px",
    // Its line keeps its height when empty, should the toolbar wrap it onto one of its own.
    minHeight: "20px",
    color: tokens.colorNeutralForeground3,
  },
  status: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
});

const NONE: readonly Recommendation[] = [];

/** Why the list is empty, in the user's terms. */
function emptyText(search: string, status: StatusFilter, total: number): string {
  if (total === 0) return "Defender for Cloud has no recommendations for these subscriptions.";
  const label = STATUS_FILTERS.find((f) => f.value === status)?.label.toLowerCase() ?? "";
  const inStatus = status === "all" ? "" : ` with ${label} resources`;
  if (search.trim()) return `No recommendation${inStatus} matches "${search.trim()}".`;
  return `No recommendation has ${label} resources.`;
}

export function RecommendationsPage() {
  const styles = useStyles();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortState>(null);
  const [status, setStatus] = useState<StatusFilter>("all");
  const statusId = useId("status-filter");
  // Drafts survive closing the pane, so nothing typed is lost until it is created.
  const { request, open, close, drafts } = useExemptTarget();

  const subscriptions = useSubscriptions();
  const ids = useMemo(() => (subscriptions.data ?? []).map((s) => s.id), [subscriptions.data]);
  const recommendations = useQuery({
    ...queries.recommendations(ids),
    enabled: subscriptions.isSuccess,
  });

  const all = recommendations.data ?? NONE;
  // While the subscriptions are counted, the list so far shows and its counts grow part by part.
  const counting = countedSoFar(recommendations.data);
  const ordered = useSteadyOrder(all, counting !== null);
  const ofStatus = useMemo(() => filterByStatus(ordered, status), [ordered, status]);
  const { shown: rows, stale } = useListView(ofStatus, {
    searchText: recommendationSearchText,
    search,
    sort,
    compares: RECOMMENDATION_COMPARES,
    // While counting, rows keep the steady order they come in.
    defaultCompare: counting ? undefined : compareRecommendations,
  });
  const error = queryError(subscriptions.error) ?? queryError(recommendations.error);
  const loading = subscriptions.isPending || (subscriptions.isSuccess && recommendations.isPending);
  const retry = () => {
    if (subscriptions.isError) void subscriptions.refetch();
    else void recommendations.refetch();
  };

  const openRow = useCallback((r: Recommendation) => open({ key: r.key }), [open]);
  const onDraftChange = useCallback(
    (key: string, draft: ExemptionDraft | null) => {
      if (draft) drafts.set(key, draft);
      else drafts.delete(key);
    },
    [drafts],
  );
  const target: DrawerTarget | null = useMemo(() => {
    const recommendation = request && recommendations.data?.find((r) => r.key === request.key);
    if (!request || !recommendation) return null;
    return {
      recommendation,
      savedDraft: request.draft ?? drafts.get(request.key) ?? null,
      applyId: request.applyId ?? null,
    };
    // `drafts` is read when the pane opens, not followed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request, recommendations.data]);

  return (
    <div className={styles.root}>
      <Title3 as="h2">Recommendations</Title3>
      <div className={styles.toolbar}>
        <Input
          className={styles.search}
          aria-label="Search recommendations"
          placeholder="Search recommendations"
          contentBefore={<SearchRegular />}
          value={search}
          onChange={(_, data) => setSearch(data.value)}
          type="search"
        />
        <div className={styles.status}>
          <label htmlFor={statusId}>Status</label>
          <Select
            id={statusId}
            value={status}
            onChange={(_, data) => setStatus(data.value as StatusFilter)}
            data-testid="status-filter"
          >
            {STATUS_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </Select>
        </div>
        {recommendations.data ? (
          <Caption1 className={styles.count} aria-live="polite" aria-busy={stale} data-testid="list-count">
            {countLabel(rows.length, all.length, "recommendation", false)}
          </Caption1>
        ) : null}
        {recommendations.data ? (
          <div className={styles.counting} aria-live="polite" data-testid="counting">
            {counting ? (
              <>
                <Spinner size="extra-tiny" />
                <Caption1>
                  Counting… {counting.counted.toLocaleString("en-US")} of{" "}
                  {counting.subscriptions.toLocaleString("en-US")} subscriptions
                </Caption1>
              </>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? (
        <ErrorBar
          error={error}
          title="Couldn't load recommendations"
          onRetry={retry}
          retrying={subscriptions.isFetching || recommendations.isFetching}
        />
      ) : null}
      {loading ? (
        <Spinner label="Loading recommendations…" />
      ) : recommendations.data ? (
        <div className={styles.card}>
          {rows.length > 0 ? (
            <RecommendationsTable recommendations={rows} onOpen={openRow} sort={sort} onSortChange={setSort} />
          ) : (
            <EmptyState icon={<ShieldCheckmarkRegular />} title="No recommendations">
              {emptyText(search, status, all.length)}
            </EmptyState>
          )}
        </div>
      ) : null}
      <ExemptDrawer
        target={target}
        subscriptions={subscriptions.data ?? NO_SUBSCRIPTIONS}
        onDraftChange={onDraftChange}
        onClose={close}
      />
    </div>
  );
}
