import {
  Caption1,
  Field,
  FieldContextProvider,
  Input,
  Radio,
  RadioGroup,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import type { UseQueryResult } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { ManagementGroupNode } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { filterTree, subscriptionsUnder } from "../../shared/managementGroups";
import { queryError } from "../../ipc/queries";
import { usePickerStyles } from "./pickerStyles";

const useStyles = makeStyles({
  row: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  list: { display: "flex", flexDirection: "column", flexWrap: "nowrap" },
});

type Row = { node: ManagementGroupNode; depth: number; subscriptions: number };

function flatten(node: ManagementGroupNode, depth: number, out: Row[]): Row[] {
  out.push({ node, depth, subscriptions: subscriptionsUnder(node).length });
  for (const child of node.children) flatten(child, depth + 1, out);
  return out;
}

type Props = {
  query: UseQueryResult<ManagementGroupNode | null>;
  selected: string;
  onChange: (name: string) => void;
  error?: string;
};

/** One management group from the tenant's tree (indented by depth), searchable. */
export function ManagementGroupPicker({ query, selected, onChange, error }: Props) {
  const styles = useStyles();
  const picker = usePickerStyles();
  const [search, setSearch] = useState("");
  const rows = useMemo(() => {
    const tree = query.data ? filterTree(query.data, search) : null;
    return tree ? flatten(tree, 0, []) : [];
  }, [query.data, search]);

  const failure = queryError(query.error);
  if (failure) {
    return <ErrorBar error={failure} title="Couldn't load management groups" onRetry={() => void query.refetch()} />;
  }
  if (query.isPending) return <Spinner size="tiny" label="Loading management groups…" labelPosition="after" />;

  return (
    <Field label="Management group" required validationMessage={error}>
      {({ "aria-required": _required, ...props }) => (
        <div className={styles.list}>
          <FieldContextProvider value={undefined}>
            <div className={picker.tools}>
              <Input
                className={picker.search}
                type="search"
                size="small"
                aria-label="Search management groups"
                placeholder="Search management groups"
                contentBefore={<SearchRegular />}
                value={search}
                onChange={(_, d) => setSearch(d.value)}
              />
            </div>
            <RadioGroup
              {...props}
              className={picker.box}
              data-testid="mg-tree"
              value={selected}
              onChange={(_, d) => onChange(d.value)}
            >
              {rows.map(({ node, depth, subscriptions }, i) => (
                <div key={node.name} className={styles.row} style={{ paddingLeft: `${depth * 20}px` }}>
                  <Radio
                    value={node.name}
                    label={node.displayName}
                    data-field={i === 0 ? "scope" : undefined}
                    data-group={node.name}
                  />
                  <Caption1 className={picker.secondary} aria-hidden>
                    {subscriptions} subscription{subscriptions === 1 ? "" : "s"}
                  </Caption1>
                </div>
              ))}
              {rows.length === 0 ? (
                <Caption1 className={picker.empty}>No management group matches "{search.trim()}".</Caption1>
              ) : null}
            </RadioGroup>
          </FieldContextProvider>
        </div>
      )}
    </Field>
  );
}
