import { Checkbox, makeStyles, tokens, useId, Label } from "@fluentui/react-components";
import type { Subscription } from "../ipc/bindings";

const useStyles = makeStyles({
  root: { display: "flex", alignItems: "center", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS },
  label: { marginRight: tokens.spacingHorizontalS },
});

type Props = {
  subscriptions: readonly Subscription[];
  isChecked: (id: string) => boolean;
  onToggle: (id: string, checked: boolean) => void;
};

export function SubscriptionFilter({ subscriptions, isChecked, onToggle }: Props) {
  const styles = useStyles();
  const labelId = useId("subscription-filter-");
  return (
    <div className={styles.root} role="group" aria-labelledby={labelId}>
      <Label id={labelId} weight="semibold" className={styles.label}>
        Subscriptions
      </Label>
      {subscriptions.map((s) => (
        <Checkbox
          key={s.id}
          label={s.displayName}
          checked={isChecked(s.id)}
          onChange={(_, data) => onToggle(s.id, data.checked === true)}
        />
      ))}
    </div>
  );
}
