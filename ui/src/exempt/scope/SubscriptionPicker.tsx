import { Caption1, Checkbox, Field, FieldContextProvider, Input, useId } from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { useMemo, useState } from "react";
import type { Subscription } from "../../ipc/bindings";
import { matches, usePickerStyles } from "./pickerStyles";

type Props = {
  subscriptions: readonly Subscription[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string;
};

/** Subscriptions to exempt: searchable, one checkbox each, select-all for what's shown. */
export function SubscriptionPicker({ subscriptions, selected, onChange, error }: Props) {
  const styles = usePickerStyles();
  const baseId = useId("scope-");
  const [search, setSearch] = useState("");
  const shown = useMemo(
    () => subscriptions.filter((s) => matches(`${s.displayName} ${s.id}`, search)),
    [subscriptions, search],
  );
  const chosen = new Set(selected);
  // Keep the subscriptions' own order, whatever order they were clicked in.
  const set = (next: Set<string>) => onChange(subscriptions.map((s) => s.id).filter((s) => next.has(s)));
  const toggle = (id: string, checked: boolean) => {
    const next = new Set(selected);
    if (checked) next.add(id);
    else next.delete(id);
    set(next);
  };
  const shownChosen = shown.filter((s) => chosen.has(s.id)).length;
  const selectAll = (checked: boolean) => {
    const next = new Set(selected);
    for (const s of shown) {
      if (checked) next.add(s.id);
      else next.delete(s.id);
    }
    set(next);
  };
  const countId = `${baseId}count`;
  return (
    <Field label="Subscriptions" required validationMessage={error}>
      {({ "aria-required": _required, ...props }) => (
        <div
          role="group"
          {...props}
          id={`${baseId}group`}
          aria-describedby={[countId, props["aria-describedby"]].filter(Boolean).join(" ")}
        >
          <FieldContextProvider value={undefined}>
            <div className={styles.tools}>
              <Input
                className={styles.search}
                type="search"
                size="small"
                aria-label="Search subscriptions"
                placeholder="Search subscriptions"
                contentBefore={<SearchRegular />}
                value={search}
                onChange={(_, d) => setSearch(d.value)}
              />
              <Checkbox
                label="Select all"
                disabled={shown.length === 0}
                checked={shownChosen === 0 ? false : shownChosen === shown.length ? true : "mixed"}
                onChange={(_, d) => selectAll(d.checked === true)}
              />
            </div>
            <div className={styles.box}>
              {shown.map((s, i) => (
                <Checkbox
                  key={s.id}
                  id={`${baseId}${i}`}
                  data-field={i === 0 ? "scope" : undefined}
                  label={s.displayName}
                  checked={chosen.has(s.id)}
                  onChange={(_, data) => toggle(s.id, data.checked === true)}
                  value={s.id}
                />
              ))}
              {shown.length === 0 ? <Caption1 className={styles.empty}>No subscription matches.</Caption1> : null}
            </div>
            <Caption1 id={countId} className={styles.count}>
              {selected.length} of {subscriptions.length} selected
            </Caption1>
          </FieldContextProvider>
        </div>
      )}
    </Field>
  );
}
