import { Button, Dropdown, Field, Option, makeStyles, tokens } from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { memo, useMemo } from "react";
import type { ManagementGroupNode, RegisterEntry } from "../ipc/bindings";
import { CATEGORY_LABELS } from "../shared/categoryLabel";
import {
  filterOptions,
  isFiltered,
  NO_FILTERS,
  scopeOptions,
  STATE_WORDS,
  type Option as Choice,
  type RegisterFilters,
  type StateKind,
} from "./register";

const useStyles = makeStyles({
  root: { display: "flex", flexWrap: "wrap", alignItems: "flex-end", gap: tokens.spacingHorizontalM, minWidth: 0 },
  field: { minWidth: "150px", maxWidth: "220px", flex: "1 1 150px" },
  dropdown: { minWidth: "0", width: "100%" },
  listbox: { maxHeight: "320px" },
  // One line, cut with an ellipsis (the whole choice is in the tooltip).
  button: { whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" },
});

const ANY = "";

type Props = {
  entries: readonly RegisterEntry[];
  groups: ManagementGroupNode | null | undefined;
  filters: RegisterFilters;
  onChange: (filters: RegisterFilters) => void;
  /** The reminder window, to say what "expires soon" means. */
  windowDays: number;
};

/** Scope (a subtree), subscription, category, state, initiative, recommendation
 * and person; each offers only what the rows hold, and "Any". Memoised (seven
 * dropdowns): a search keystroke does not render it again. */
export const RegisterFilterBar = memo(function RegisterFilterBar({
  entries,
  groups,
  filters,
  onChange,
  windowDays,
}: Props) {
  const styles = useStyles();
  const options = useMemo(() => filterOptions(entries), [entries]);
  const scopes = useMemo(() => scopeOptions(groups, options.subscriptions), [groups, options.subscriptions]);
  const states = (Object.keys(STATE_WORDS) as StateKind[]).map((k) => ({
    value: k,
    text: k === "expiresSoon" ? `Expires within ${windowDays} days` : STATE_WORDS[k],
  }));
  const categories = Object.entries(CATEGORY_LABELS).map(([value, text]) => ({ value, text }));
  const set =
    <K extends keyof RegisterFilters>(key: K) =>
    (value: string) =>
      onChange({ ...filters, [key]: value === ANY ? null : value });
  const one = (
    label: string,
    key: Exclude<keyof RegisterFilters, "exemptionIds">,
    choices: (Choice & { depth?: number })[],
    anyText: string,
  ) => (
    <Field label={label} size="small" className={styles.field}>
      <FilterDropdown
        label={label}
        value={filters[key]}
        choices={choices}
        anyText={anyText}
        onChange={set(key)}
        className={styles.dropdown}
        listbox={styles.listbox}
        button={styles.button}
      />
    </Field>
  );
  return (
    <div className={styles.root} role="group" aria-label="Filters">
      {one("Scope", "scope", scopes, "Every scope")}
      {one("Subscription", "subscription", options.subscriptions, "Every subscription")}
      {one("Category", "category", categories, "Any category")}
      {one("State", "state", states, "Any state")}
      {one("Initiative", "initiative", options.initiatives, "Any initiative")}
      {one("Recommendation", "recommendation", options.recommendations, "Any recommendation")}
      {one("Person", "person", options.people, "Anyone")}
      {filters.exemptionIds ? (
        <Button
          size="small"
          icon={<DismissRegular />}
          onClick={() => onChange({ ...filters, exemptionIds: null })}
          data-testid="only-chosen"
        >
          {`Only the ${filters.exemptionIds.length} sent here`}
        </Button>
      ) : null}
      {isFiltered(filters) ? (
        <Button size="small" appearance="subtle" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
});

function FilterDropdown(props: {
  label: string;
  value: string | null;
  choices: (Choice & { depth?: number })[];
  anyText: string;
  onChange: (value: string) => void;
  className: string;
  listbox: string;
  button: string;
}) {
  const { value, choices, anyText } = props;
  // A seed may name what the rows (still) lack: show its value rather than "Any".
  const text = value === null ? anyText : (choices.find((c) => c.value === value)?.text ?? value);
  return (
    <Dropdown
      size="small"
      aria-label={props.label}
      className={props.className}
      listbox={{ className: props.listbox }}
      button={{ className: props.button }}
      value={text}
      title={text}
      selectedOptions={[value ?? ANY]}
      onOptionSelect={(_, data) => props.onChange(data.optionValue ?? ANY)}
    >
      <Option value={ANY}>{anyText}</Option>
      {choices.map((c) => (
        <Option key={c.value} value={c.value} text={c.text}>
          <span style={{ paddingLeft: `${(c.depth ?? 0) * 12}px` }}>{c.text}</span>
        </Option>
      ))}
    </Dropdown>
  );
}
