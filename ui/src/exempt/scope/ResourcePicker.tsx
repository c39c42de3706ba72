import { Caption1, Checkbox, Field, FieldContextProvider, Input, Spinner, useId } from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { useMemo, useState } from "react";
import type { Subscription } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { queryError, useRecommendationResources } from "../../shared/queries";
import { subscriptionName } from "../../shared/subscriptionNames";
import { matches, usePickerStyles } from "./pickerStyles";
import { ResourceRows, type ResourceRow } from "./ResourceRows";

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
  const [search, setSearch] = useState("");
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
  const shown = useMemo(() => all.filter((r) => matches(r.text, search)), [all, search]);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const shownChosen = useMemo(() => shown.reduce((n, r) => n + (chosen.has(r.id) ? 1 : 0), 0), [shown, chosen]);

  // The resources' own order, whatever order they were picked in.
  const set = (next: Set<string>) => onChange(all.map((r) => r.id).filter((id) => next.has(id)));
  const toggle = (id: string, checked: boolean) => {
    const next = new Set(chosen);
    if (checked) next.add(id);
    else next.delete(id);
    set(next);
  };
  const selectAll = (checked: boolean) => {
    const next = new Set(chosen);
    for (const r of shown) {
      if (checked) next.add(r.id);
      else next.delete(r.id);
    }
    set(next);
  };

  const failure = queryError(resources.error);
  if (failure) {
    return <ErrorBar error={failure} title="Couldn't load the resources" onRetry={() => void resources.refetch()} />;
  }
  if (resources.isPending) return <Spinner size="tiny" label="Loading unhealthy resources…" labelPosition="after" />;

  return (
    <Field label="Resources" required validationMessage={error}>
      {({ "aria-required": _required, ...props }) => (
        <div role="group" {...props} data-testid="resource-picker"
          aria-describedby={[countId, props["aria-describedby"]].filter(Boolean).join(" ")}>
          <FieldContextProvider value={undefined}>
          <div className={styles.tools}>
            <Input
              className={styles.search}
              type="search"
              size="small"
              aria-label="Search resources"
              placeholder="Search by name, type, resource group or subscription"
              contentBefore={<SearchRegular />}
              value={search}
              onChange={(_, d) => setSearch(d.value)}
              data-field="scope"
            />
            <Checkbox
              label="Select all"
              disabled={shown.length === 0}
              checked={shownChosen === 0 ? false : shownChosen === shown.length ? true : "mixed"}
              onChange={(_, d) => selectAll(d.checked === true)}
            />
          </div>
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
