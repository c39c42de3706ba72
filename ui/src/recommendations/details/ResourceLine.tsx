import { Caption1, Text, makeStyles, tokens, mergeClasses } from "@fluentui/react-components";
import type { AssessedResource, Subscription } from "../../ipc/bindings";
import { lastSegment } from "../../shared/scopeNames";
import { subscriptionName } from "../../shared/subscriptionNames";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    minWidth: 0,
  },
  line: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  sub: { color: tokens.colorNeutralForeground3 },
  cause: { color: tokens.colorNeutralForeground2 },
});

/** One assessed resource; for Not applicable, why (and which exemption). */
export function ResourceLine({
  resource,
  subscriptions,
}: {
  resource: AssessedResource;
  subscriptions: readonly Subscription[];
}) {
  const styles = useStyles();
  const where = [
    resource.resourceType,
    resource.resourceGroup,
    subscriptionName(resource.subscriptionId, subscriptions),
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <div className={styles.root} data-testid="assessed-resource" data-status={resource.status} title={resource.id}>
      <Text className={styles.line} weight="semibold">
        {resource.name}
      </Text>
      <Caption1 className={mergeClasses(styles.line, styles.sub)}>{where}</Caption1>
      {resource.status === "NotApplicable" ? (
        <Caption1 className={styles.cause} data-testid="not-applicable-cause">
          Cause: {resource.cause ?? "not given"}
          {resource.cause === "Exempt" && resource.exemptionId
            ? ` · exemption ${lastSegment(resource.exemptionId)}`
            : ""}
        </Caption1>
      ) : null}
    </div>
  );
}
