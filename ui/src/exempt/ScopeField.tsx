import {
  Caption1,
  Checkbox,
  Field,
  FieldContextProvider,
  makeStyles,
  tokens,
  useId,
} from "@fluentui/react-components";
import type { Subscription } from "../ipc/bindings";

const useStyles = makeStyles({
  group: {
    display: "flex",
    flexDirection: "column",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalXS}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    maxHeight: "220px",
    overflowY: "auto",
  },
  count: { color: tokens.colorNeutralForeground3, padding: `0 ${tokens.spacingHorizontalS}` },
  id: { color: tokens.colorNeutralForeground3, marginLeft: tokens.spacingHorizontalXS },
});

type Props = {
  subscriptions: readonly Subscription[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  error?: string;
};

/** Where the exemption is written: one checkbox per subscription. */
export function ScopeField({ subscriptions, selected, onChange, error }: Props) {
  const styles = useStyles();
  const baseId = useId("scope-");
  const toggle = (id: string, checked: boolean) => {
    const next = new Set(selected);
    if (checked) next.add(id);
    else next.delete(id);
    // Keep the subscriptions' own order, whatever order they were clicked in.
    onChange(subscriptions.map((s) => s.id).filter((s) => next.has(s)));
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
            <div className={styles.group}>
              {subscriptions.map((s, i) => (
                <Checkbox
                  key={s.id}
                  id={`${baseId}${i}`}
                  data-field={i === 0 ? "scope" : undefined}
                  label={s.displayName}
                  checked={selected.includes(s.id)}
                  onChange={(_, data) => toggle(s.id, data.checked === true)}
                  value={s.id}
                />
              ))}
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
