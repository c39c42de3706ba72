import { Badge, Caption1, Text, makeStyles, tokens } from "@fluentui/react-components";
import { WriteBody } from "../../exempt/preview/JsonBody";
import type { PlannedWrite } from "../../ipc/bindings";
import { formatExpiry } from "../../shared/formatDate";
import type { ScopeDescription } from "../../shared/scopeNames";
import { writeChanges } from "./changeRequest";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  title: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  name: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  path: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
  changes: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  value: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: "anywhere" },
});

/** A changed value as a person reads it: an expiry as a date with its year,
 * in local time (the exact instant is in the JSON body). */
const shown = (field: string, v: unknown) =>
  v === undefined
    ? "(none)"
    : field === "expiresOn" && typeof v === "string"
      ? formatExpiry(v)
      : typeof v === "string"
        ? v
        : JSON.stringify(v);

/** One PUT or DELETE of an existing exemption: what changes, and the exact body. */
export function ChangeWrite({ write, scope }: { write: PlannedWrite; scope: ScopeDescription }) {
  const styles = useStyles();
  const method = write.method ?? "PUT";
  const changes = method === "PUT" ? writeChanges(write.asRead, write.body) : [];
  return (
    <article className={styles.root} data-testid="change-write" data-method={method} data-path={write.path}>
      <div className={styles.title}>
        <Badge appearance="filled" color={method === "DELETE" ? "danger" : "brand"} shape="rounded">
          {method}
        </Badge>
        <Text weight="semibold" className={styles.name}>
          {write.name}
        </Text>
        <Caption1>
          {scope.where}: {scope.name}
        </Caption1>
      </div>
      <Caption1 className={styles.path}>{write.path}</Caption1>
      {method === "DELETE" ? (
        <Caption1>Deletes the exemption; there is no body.</Caption1>
      ) : (
        <ul className={styles.changes} aria-label={`Changes to ${write.name}`}>
          {changes.map((c) => (
            <li key={c.field}>
              <Caption1>
                {c.field}: <span className={styles.value}>{shown(c.field, c.before)}</span> →{" "}
                <span className={styles.value}>{shown(c.field, c.after)}</span>
              </Caption1>
            </li>
          ))}
        </ul>
      )}
      {method === "PUT" ? <WriteBody body={write.body} path={write.path} /> : null}
    </article>
  );
}
