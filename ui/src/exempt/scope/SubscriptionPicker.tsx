import { Caption1, Checkbox, Field, FieldContextProvider, useId } from "@fluentui/react-components";
import type { Subscription } from "../../ipc/bindings";
import { usePickerStyles } from "./pickerStyles";
import { SearchTools } from "./SearchTools";
import { useSearchableSelection } from "./useSearchableSelection";

const subscriptionId = (s: Subscription) => s.id;
const subscriptionText = (s: Subscription) => `${s.displayName} ${s.id}`;

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
  const { search, setSearch, shown, chosen, toggle, selectAll, allShown } = useSearchableSelection(
    subscriptions,
    subscriptionId,
    subscriptionText,
    selected,
    onChange,
  );
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
            <SearchTools
              label="Search subscriptions"
              placeholder="Search subscriptions"
              search={search}
              onSearch={setSearch}
              allShown={allShown}
              onSelectAll={selectAll}
              nothingShown={shown.length === 0}
            />
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
