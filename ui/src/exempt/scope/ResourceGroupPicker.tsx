import {
  Caption1,
  Checkbox,
  Field,
  FieldContextProvider,
  Spinner,
  makeStyles,
  tokens,
  useId,
} from "@fluentui/react-components";
import { useMemo } from "react";
import type { Subscription } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { queryError, useRecommendationResources } from "../../ipc/queries";
import { subscriptionName } from "../../shared/subscriptionNames";
import { usePickerStyles } from "./pickerStyles";
import { SearchTools } from "./SearchTools";
import { useSearchableSelection } from "./useSearchableSelection";

const useStyles = makeStyles({
  secondary: { display: "block", paddingLeft: "36px", marginTop: "-6px", color: tokens.colorNeutralForeground3 },
});

type GroupRow = { id: string; name: string; secondary: string; text: string };

const rowId = (r: GroupRow) => r.id;
const rowText = (r: GroupRow) => r.text;
const GROUP_ID = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)(\/|$)/i;

type Props = {
  recommendationKey: string;
  subscriptions: readonly Subscription[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string;
};

/** Resource groups to exempt (one exemption per initiative at each): those
 * holding resources the recommendation assesses, with how many are unhealthy. */
export function ResourceGroupPicker({ recommendationKey, subscriptions, selected, onChange, error }: Props) {
  const styles = usePickerStyles();
  const local = useStyles();
  const baseId = useId("rg-");
  const countId = `${baseId}count`;
  const ids = useMemo(() => subscriptions.map((s) => s.id), [subscriptions]);
  const resources = useRecommendationResources(recommendationKey, ids);
  const all: GroupRow[] = useMemo(() => {
    const byId = new Map<
      string,
      { id: string; name: string; subscriptionId: string; unhealthy: number; total: number }
    >();
    for (const r of resources.data ?? []) {
      const id = GROUP_ID.exec(r.id)?.[1];
      if (!id || !r.resourceGroup) continue;
      const key = id.toLowerCase();
      const found = byId.get(key) ?? {
        id,
        name: r.resourceGroup,
        subscriptionId: r.subscriptionId,
        unhealthy: 0,
        total: 0,
      };
      found.total += 1;
      if (r.status === "Unhealthy") found.unhealthy += 1;
      byId.set(key, found);
    }
    return [...byId.values()]
      .sort((a, b) => b.unhealthy - a.unhealthy || a.name.localeCompare(b.name))
      .map((g) => {
        const secondary = `${g.unhealthy} unhealthy of ${g.total} · ${subscriptionName(g.subscriptionId, subscriptions)}`;
        return { id: g.id, name: g.name, secondary, text: `${g.name} ${secondary}` };
      });
  }, [resources.data, subscriptions]);
  const { search, setSearch, shown, chosen, toggle, selectAll, allShown } = useSearchableSelection(
    all,
    rowId,
    rowText,
    selected,
    onChange,
  );

  const failure = queryError(resources.error);
  if (failure) {
    return (
      <ErrorBar error={failure} title="Couldn't load the resource groups" onRetry={() => void resources.refetch()} />
    );
  }
  if (resources.isPending) return <Spinner size="tiny" label="Loading resource groups…" labelPosition="after" />;

  return (
    <Field label="Resource groups" required validationMessage={error}>
      {({ "aria-required": _required, ...props }) => (
        <div
          role="group"
          {...props}
          data-testid="resource-group-picker"
          aria-describedby={[countId, props["aria-describedby"]].filter(Boolean).join(" ")}
        >
          <FieldContextProvider value={undefined}>
            <SearchTools
              label="Search resource groups"
              placeholder="Search by name or subscription"
              search={search}
              onSearch={setSearch}
              allShown={allShown}
              onSelectAll={selectAll}
              nothingShown={shown.length === 0}
              firstField
            />
            <div className={styles.box}>
              {shown.map((g, i) => (
                <div key={g.id} data-testid="resource-group-row">
                  <Checkbox
                    id={`${baseId}${i}`}
                    label={g.name}
                    checked={chosen.has(g.id)}
                    onChange={(_, data) => toggle(g.id, data.checked === true)}
                    value={g.id}
                    aria-describedby={`${baseId}${i}-secondary`}
                  />
                  <Caption1 id={`${baseId}${i}-secondary`} className={local.secondary}>
                    {g.secondary}
                  </Caption1>
                </div>
              ))}
              {all.length === 0 ? (
                <Caption1 className={styles.empty}>
                  No resource group holds resources this recommendation assesses.
                </Caption1>
              ) : shown.length === 0 ? (
                <Caption1 className={styles.empty}>No resource group matches.</Caption1>
              ) : null}
            </div>
            <Caption1 id={countId} className={styles.count} aria-live="polite">
              {selected.length} of {all.length} selected
            </Caption1>
          </FieldContextProvider>
        </div>
      )}
    </Field>
  );
}
