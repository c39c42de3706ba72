import { Caption1, Field, FieldContextProvider, Spinner, useId } from "@fluentui/react-components";
import { useMemo } from "react";
import type { Subscription } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { queryError, useRecommendationResources } from "../../ipc/queries";
import { subscriptionName } from "../../shared/subscriptionNames";
import { usePickerStyles } from "./pickerStyles";
import { ResourceRows, type ResourceRow } from "./ResourceRows";
import { SearchTools } from "./SearchTools";
import { useSearchableSelection } from "./useSearchableSelection";

const rowId = (r: ResourceRow) => r.id;
const rowText = (r: ResourceRow) => r.text;

type Props = {
  recommendationKey: string;
  subscriptions: readonly Subscription[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string;
};

/** The recommendation's unhealthy resources to exempt, one exemption each:
 * searchable, virtualised (thousands of rows), select-all for what's shown. */
export function ResourcePicker({ recommendationKey, subscriptions, selected, onChange, error }: Props) {
  const styles = usePickerStyles();
  const countId = useId("resources-count");
  const ids = useMemo(() => subscriptions.map((s) => s.id), [subscriptions]);
  const resources = useRecommendationResources(recommendationKey, ids);
  const all: ResourceRow[] = useMemo(
    () =>
      (resources.data ?? [])
        .filter((r) => r.status === "Unhealthy")
        .map((r) => {
          const secondary = [r.resourceType, r.resourceGroup, subscriptionName(r.subscriptionId, subscriptions)]
            .filter(Boolean)
            .join(" · ");
          return { id: r.id, name: r.name, secondary, text: `${r.name} ${secondary}` };
        }),
    [resources.data, subscriptions],
  );
  const { search, setSearch, shown, chosen, toggle, selectAll, allShown } = useSearchableSelection(
    all,
    rowId,
    rowText,
    selected,
    onChange,
  );

  const failure = queryError(resources.error);
  if (failure) {
    return <ErrorBar error={failure} title="Couldn't load the resources" onRetry={() => void resources.refetch()} />;
  }
  if (resources.isPending) return <Spinner size="tiny" label="Loading unhealthy resources…" labelPosition="after" />;

  return (
    <Field label="Resources" required validationMessage={error}>
      {({ "aria-required": _required, ...props }) => (
        <div
          role="group"
          {...props}
          data-testid="resource-picker"
          aria-describedby={[countId, props["aria-describedby"]].filter(Boolean).join(" ")}
        >
          <FieldContextProvider value={undefined}>
            <SearchTools
              label="Search resources"
              placeholder="Search by name, type, resource group or subscription"
              search={search}
              onSearch={setSearch}
              allShown={allShown}
              onSelectAll={selectAll}
              nothingShown={shown.length === 0}
              firstField
            />
            {all.length === 0 ? (
              <Caption1 className={styles.empty}>This recommendation has no unhealthy resources.</Caption1>
            ) : (
              <ResourceRows rows={shown} chosen={chosen} onToggle={toggle} />
            )}
            <Caption1 id={countId} className={styles.count} aria-live="polite">
              {selected.length} of {all.length} selected
              {shown.length !== all.length ? ` · ${shown.length} shown` : ""}
            </Caption1>
          </FieldContextProvider>
        </div>
      )}
    </Field>
  );
}
