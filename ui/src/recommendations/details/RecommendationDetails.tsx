import { Body1, Caption1, Input, Link, Spinner, Tab, TabList, makeStyles, tokens } from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { useNavigation } from "../../app/navigation";
import { useMemo, useState } from "react";
import type { Recommendation, ResourceStatus, Subscription } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { queryError, useRecommendationResources } from "../../ipc/queries";
import { countLabel, useArriving, useListView, type SortState } from "../../shared/listView";
import { RESOURCE_COMPARES, ResourcesTable, resourceSearchText } from "./ResourcesTable";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  description: { color: tokens.colorNeutralForeground2 },
  toolbar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  search: { flexGrow: 1, maxWidth: "320px" },
  muted: { color: tokens.colorNeutralForeground3 },
});

const TABS: { status: ResourceStatus; label: string }[] = [
  { status: "Unhealthy", label: "Unhealthy" },
  { status: "Healthy", label: "Healthy" },
  { status: "NotApplicable", label: "Not applicable" },
];
/** Shown only when Defender reports a status code this version does not know. */
const UNKNOWN_TAB: { status: ResourceStatus; label: string } = { status: "Unknown", label: "Other status" };

const NUMBER = new Intl.NumberFormat("en-US");

/** How many of its resources Defender shows exempted, in a sentence. */
export function exemptedText(n: number): string {
  if (n === 0) return "Defender for Cloud shows no resource exempted from this recommendation.";
  return `Defender for Cloud shows ${NUMBER.format(n)} ${n === 1 ? "resource" : "resources"} exempted (Not applicable, cause Exempt).`;
}

type Props = { recommendation: Recommendation; subscriptions: readonly Subscription[] };

/** What the recommendation is, and its resources by status. */
export function RecommendationDetails({ recommendation, subscriptions }: Props) {
  const styles = useStyles();
  const { openRegister } = useNavigation();
  const [status, setStatus] = useState<ResourceStatus>("Unhealthy");
  const ids = useMemo(() => subscriptions.map((s) => s.id), [subscriptions]);
  const resources = useRecommendationResources(recommendation.key, ids);
  const counts = useMemo(() => {
    const c: Record<ResourceStatus, number> = { Unhealthy: 0, Healthy: 0, NotApplicable: 0, Unknown: 0 };
    for (const r of resources.data ?? []) c[r.status]++;
    return c;
  }, [resources.data]);
  const ofStatus = useMemo(() => (resources.data ?? []).filter((r) => r.status === status), [resources.data, status]);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortState>(null);
  const searchText = useMemo(() => resourceSearchText(subscriptions), [subscriptions]);
  const { shown, stale } = useListView(ofStatus, { searchText, search, sort, compares: RESOURCE_COMPARES });
  const arriving = useArriving(resources);
  const failure = queryError(resources.error);
  const tabs = counts.Unknown > 0 ? [...TABS, UNKNOWN_TAB] : TABS;
  const label = (tabs.find((t) => t.status === status) ?? UNKNOWN_TAB).label;
  return (
    <div className={styles.root} data-testid="recommendation-details">
      {recommendation.description ? <Body1 className={styles.description}>{recommendation.description}</Body1> : null}
      <div className={styles.toolbar} data-testid="exempted-summary">
        <Caption1>{exemptedText(recommendation.exemptedCount)}</Caption1>
        <Link onClick={() => openRegister({ recommendationKey: recommendation.key })}>Exemptions that apply</Link>
      </div>
      <TabList
        selectedValue={status}
        onTabSelect={(_, d) => setStatus(d.value as ResourceStatus)}
        aria-label="Resources by status"
      >
        {tabs.map((t) => (
          <Tab key={t.status} value={t.status}>
            {`${t.label} (${resources.data ? counts[t.status] : "…"})`}
          </Tab>
        ))}
      </TabList>
      {failure ? (
        <ErrorBar error={failure} title="Couldn't load the resources" onRetry={() => void resources.refetch()} />
      ) : resources.isPending ? (
        <Spinner size="tiny" label="Loading resources…" labelPosition="after" />
      ) : ofStatus.length === 0 ? (
        <Caption1 className={styles.muted}>No {label.toLowerCase()} resources.</Caption1>
      ) : (
        <>
          <div className={styles.toolbar}>
            <Input
              className={styles.search}
              aria-label="Search resources"
              placeholder="Search resources"
              contentBefore={<SearchRegular />}
              value={search}
              onChange={(_, data) => setSearch(data.value)}
              type="search"
              size="small"
            />
            <Caption1 className={styles.muted} aria-live="polite" aria-busy={stale} data-testid="list-count">
              {countLabel(shown.length, ofStatus.length, "resource", arriving)}
            </Caption1>
          </div>
          {shown.length === 0 ? (
            <Caption1
              className={styles.muted}
            >{`No ${label.toLowerCase()} resource matches "${search.trim()}".`}</Caption1>
          ) : (
            <ResourcesTable
              label={`${label} resources`}
              resources={shown}
              subscriptions={subscriptions}
              sort={sort}
              onSortChange={setSort}
              rowHeight={status === "NotApplicable" ? 72 : 56}
            />
          )}
        </>
      )}
    </div>
  );
}
