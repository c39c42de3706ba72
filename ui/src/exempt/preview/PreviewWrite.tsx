import { Badge, Caption1, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { PlannedWrite } from "../../ipc/bindings";
import type { ScopeDescription } from "../../shared/scopeNames";
import { lastSegment } from "../../shared/scopeNames";
import { WriteBody } from "./JsonBody";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  title: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  name: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  path: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
  facts: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: tokens.spacingHorizontalM, margin: 0 },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, overflowWrap: "anywhere", fontSize: tokens.fontSizeBase300 },
});

type Props = { write: PlannedWrite; scope: ScopeDescription };

/** One exemption that will be written: where, against what, and its exact body. */
export function PreviewWrite({ write, scope }: Props) {
  const styles = useStyles();
  return (
    <article
      className={styles.root}
      data-testid="preview-write"
      data-path={write.path}
      data-below={write.belowChosenScope}
      aria-label={`${scope.name}, ${write.initiativeName}`}
    >
      <div className={styles.title}>
        <Text weight="semibold" className={styles.name} title={scope.name}>
          {scope.name}
        </Text>
        <Caption1>{scope.where}</Caption1>
        {write.belowChosenScope ? (
          <Badge
            appearance="tint"
            color="informative"
            shape="rounded"
            title="This initiative is assigned below the chosen scope, so its exemption is written at the assignment's own scope"
          >
            below the chosen scope
          </Badge>
        ) : null}
        {write.replacesExisting ? (
          <Badge
            appearance="tint"
            color="warning"
            shape="rounded"
            title="An exemption of this name exists there and will be replaced"
          >
            update
          </Badge>
        ) : null}
      </div>
      <Caption1 className={styles.path}>{write.path}</Caption1>
      <dl className={styles.facts}>
        <dt className={styles.term}>Scope</dt>
        <dd className={styles.value} title={write.scope}>
          {scope.where}: {scope.name}
        </dd>
        <dt className={styles.term}>Initiative</dt>
        <dd className={styles.value}>{write.initiativeName}</dd>
        <dt className={styles.term}>Assignment</dt>
        <dd className={styles.value} title={write.policyAssignmentId}>
          {lastSegment(write.policyAssignmentId)}
        </dd>
        <dt className={styles.term}>Reference ids</dt>
        <dd className={styles.value}>{write.policyDefinitionReferenceIds.join(", ") || "— (the whole initiative)"}</dd>
      </dl>
      <WriteBody body={write.body} path={write.path} />
    </article>
  );
}
