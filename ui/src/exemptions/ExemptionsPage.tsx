import { Button, Caption1, Input, Spinner, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowClockwiseRegular, SearchRegular, ShieldDismissRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigation, type Navigation } from "../app/navigation";
import type { RegisterEntry } from "../ipc/bindings";
import {
  NO_SUBSCRIPTIONS,
  queries,
  queryError,
  rowsSoFar,
  useManagementGroups,
  useSubscriptions,
} from "../ipc/queries";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { useArriving, useListView, type SortState } from "../shared/listView";
import { ExemptionActions } from "./actions/ExemptionActions";
import { ExemptionDetailsDrawer } from "./details/ExemptionDetailsDrawer";
import {
  filtersFromSeed,
  isFiltered,
  matcher,
  NO_FILTERS,
  REGISTER_COMPARES,
  registerCount,
  registerSearchText,
} from "./register";
import { RegisterFilterBar } from "./RegisterFilterBar";
import { RegisterTable } from "./RegisterTable";
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
    minWidth: 0,
  },
});

const NONE: readonly RegisterEntry[] = [];

/** The seed last applied (by its time), so a seed applies once, not on every visit. */
let appliedSeedAt = 0;
function takeSeed(registerSeed: Navigation["registerSeed"]) {
  if (!registerSeed || registerSeed.at === appliedSeedAt) return null;
  appliedSeedAt = registerSeed.at;
  return filtersFromSeed(registerSeed.seed);
}

/** The register: every exemption the user can read, at every level, with search,
 * filters, sort on every column, the actions on the chosen ones, and details. */
export function ExemptionsPage() {
  const styles = useStyles();
  const subscriptions = useSubscriptions();
  const groups = useManagementGroups();
  const settings = useQuery(queries.settings());
  const register = useQuery(queries.register());
  const { registerSeed } = useNavigation();

  const [filters, setFilters] = useState(() => takeSeed(registerSeed) ?? NO_FILTERS);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortState>(null);
  // Another screen opened the register while it shows: its seed replaces the filters.
  useEffect(() => {
    const seeded = takeSeed(registerSeed);
    if (seeded) {
      setFilters(seeded);
      setSearch("");
    }
  }, [registerSeed]);

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

  // The details drawer, and the row to give focus back to when it closes.
  const [details, setDetails] = useState<RegisterEntry | null>(null);
  const returnTo = useRef<string | null>(null);
  const openDetails = useCallback((entry: RegisterEntry) => {
    returnTo.current = entry.exemption.id;
    setDetails(entry);
  }, []);
  useEffect(() => {
    if (details !== null || returnTo.current === null) return;
    const id = returnTo.current;
    returnTo.current = null;
    const frame = requestAnimationFrame(() => {
      const row = [...document.querySelectorAll<HTMLElement>('[data-testid="exemption-row"]')].find(
        (r) => r.dataset.id === id,
      );
      row?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [details]);

  const all = register.data ?? NONE;
  const streaming = rowsSoFar(register.data) !== null;
  const arriving = useArriving(register) || streaming;
  const { shown: searched, stale } = useListView(all, {
    searchText: registerSearchText,
    search,
    sort,
    compares: REGISTER_COMPARES,
  });
  // Without a filter the searched rows are shown as they are (the same array: a
  // keystroke that finds the same rows leaves the table nothing to do).
  const shown = useMemo(
    () => (isFiltered(filters) ? searched.filter(matcher(filters, groups.data)) : searched),
    [searched, filters, groups.data],
  );
  const selected = useMemo(
    () => all.filter((e) => selectedIds.has(e.exemption.id)).map((e) => e.exemption),
    [all, selectedIds],
  );

  const error = queryError(register.error);
  const refresh = () => void register.refetch();
  const windowDays = settings.data?.reminderWindowDays ?? 30;

  return (
    <div className={styles.root}>
      <div className={styles.heading}>
        <Title3 as="h2">Exemptions</Title3>
        <Button
          icon={register.isFetching ? <Spinner size="extra-tiny" /> : <ArrowClockwiseRegular />}
          onClick={refresh}
        >
          Refresh
        </Button>
      </div>
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
        <TransferButtons entries={shown} subscriptions={subscriptions.data ?? NO_SUBSCRIPTIONS} groups={groups.data} />
        {register.data ? (
          <Caption1 className={styles.count} aria-live="polite" aria-busy={stale} data-testid="list-count">
            {registerCount(shown.length, all.length, arriving)}
          </Caption1>
        ) : null}
      </div>
      {all.length > 0 || isFiltered(filters) ? (
        <RegisterFilterBar
          entries={all}
          groups={groups.data}
          filters={filters}
          onChange={setFilters}
          windowDays={windowDays}
        />
      ) : null}
      {error ? (
        <ErrorBar error={error} title="Couldn't load exemptions" onRetry={refresh} retrying={register.isFetching} />
      ) : null}
      {register.isPending && register.isFetching ? (
        <Spinner label="Loading exemptions…" />
      ) : register.data ? (
        <div className={styles.card}>
          <ExemptionActions
            selected={selected}
            subscriptions={subscriptions.data ?? NO_SUBSCRIPTIONS}
            groups={groups.data}
          />
          {shown.length > 0 ? (
            <RegisterTable
              entries={shown}
              all={all}
              sort={sort}
              onSortChange={setSort}
              selectedIds={selectedIds}
              onToggle={toggleSelected}
              onOpenDetails={openDetails}
            />
          ) : all.length > 0 ? (
            <EmptyState icon={<ShieldDismissRegular />} title="No exemptions">
              {search.trim()
                ? `No exemption matches "${search.trim()}" and the filters.`
                : "No exemption matches these filters."}
            </EmptyState>
          ) : arriving ? null : (
            <EmptyState icon={<ShieldDismissRegular />} title="No exemptions">
              You can read no exemptions in this tenant: none at any management group, subscription, resource group or
              resource.
            </EmptyState>
          )}
        </div>
      ) : null}
      {details ? <ExemptionDetailsDrawer entry={details} onClose={() => setDetails(null)} /> : null}
    </div>
  );
}
