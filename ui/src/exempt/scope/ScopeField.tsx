import { Caption1, Field, Radio, RadioGroup, makeStyles, tokens } from "@fluentui/react-components";
import { useRef } from "react";
import type { ScopeChoice, Subscription } from "../../ipc/bindings";
import { useManagementGroups } from "../../ipc/queries";
import { ManagementGroupPicker } from "./ManagementGroupPicker";
import { ResourceGroupPicker } from "./ResourceGroupPicker";
import { ResourcePicker } from "./ResourcePicker";
import { SubscriptionPicker } from "./SubscriptionPicker";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  note: { color: tokens.colorNeutralForeground3 },
});

type Kind = ScopeChoice["kind"];

const EMPTY: Record<Kind, ScopeChoice> = {
  managementGroup: { kind: "managementGroup", name: "" },
  subscriptions: { kind: "subscriptions", ids: [] },
  resourceGroups: { kind: "resourceGroups", ids: [] },
  resources: { kind: "resources", ids: [] },
};

type Props = {
  recommendationKey: string;
  subscriptions: readonly Subscription[];
  value: ScopeChoice;
  /** `switched`: only the kind changed (not a choice yet, so no error for it). */
  onChange: (scope: ScopeChoice, how?: "switched") => void;
  error?: string;
};

/** Where the exemption applies: a management group, subscriptions, resource groups, or selected resources. */
export function ScopeField({ recommendationKey, subscriptions, value, onChange, error }: Props) {
  const styles = useStyles();
  const groups = useManagementGroups();
  // What was chosen under each kind, so switching back and forth loses nothing.
  const remembered = useRef<Partial<Record<Kind, ScopeChoice>>>({});
  const noGroups = groups.isSuccess && groups.data === null;
  const switchTo = (kind: Kind) => {
    remembered.current[value.kind] = value;
    onChange(remembered.current[kind] ?? EMPTY[kind], "switched");
  };

  return (
    <div className={styles.root}>
      <Field label="Scope" required>
        <RadioGroup
          layout="horizontal"
          value={value.kind}
          data-testid="scope-kind"
          onChange={(_, d) => switchTo(d.value as Kind)}
        >
          {noGroups ? null : <Radio value="managementGroup" label="Management group" />}
          <Radio value="subscriptions" label="Subscriptions" />
          <Radio value="resourceGroups" label="Resource groups" />
          <Radio value="resources" label="Selected resources" />
        </RadioGroup>
      </Field>
      {noGroups ? (
        <Caption1 className={styles.note}>
          Management groups aren't readable with this sign-in, so exemptions can be made at subscriptions or resources
          only.
        </Caption1>
      ) : null}
      {value.kind === "managementGroup" ? (
        <ManagementGroupPicker
          query={groups}
          selected={value.name}
          onChange={(name) => onChange({ kind: "managementGroup", name })}
          error={error}
        />
      ) : value.kind === "subscriptions" ? (
        <SubscriptionPicker
          subscriptions={subscriptions}
          selected={value.ids}
          onChange={(ids) => onChange({ kind: "subscriptions", ids })}
          error={error}
        />
      ) : value.kind === "resourceGroups" ? (
        <ResourceGroupPicker
          recommendationKey={recommendationKey}
          subscriptions={subscriptions}
          selected={value.ids}
          onChange={(ids) => onChange({ kind: "resourceGroups", ids })}
          error={error}
        />
      ) : (
        <ResourcePicker
          recommendationKey={recommendationKey}
          subscriptions={subscriptions}
          selected={value.ids}
          onChange={(ids) => onChange({ kind: "resources", ids })}
          error={error}
        />
      )}
    </div>
  );
}
