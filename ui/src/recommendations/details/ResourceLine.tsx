import { Caption1, Text, makeStyles, tokens, mergeClasses } from "@fluentui/react-components";
import type { AssessedResource } from "../../ipc/bindings";
import { enumWords } from "../../shared/enumWords";
import { lastSegment } from "../../shared/scopeNames";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", minWidth: 0 },
  line: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  sub: { color: tokens.colorNeutralForeground3 },
  cause: { color: tokens.colorNeutralForeground2 },
});

/** One assessed resource's name and type; for Not applicable, why (and which exemption). */
export function ResourceLine({ resource }: { resource: AssessedResource }) {
  const styles = useStyles();
  return (
    <div className={styles.root} title={resource.id}>
      <Text className={styles.line} weight="semibold">
        {resource.name}
      </Text>
      <Caption1 className={mergeClasses(styles.line, styles.sub)}>{resource.resourceType}</Caption1>
      {resource.status === "NotApplicable" ? (
        <Caption1 className={mergeClasses(styles.line, styles.cause)} data-testid="not-applicable-cause">
          Cause: {resource.cause ? enumWords(resource.cause) : "not given"}
          {resource.cause === "Exempt" && resource.exemptionId
            ? ` · exemption ${lastSegment(resource.exemptionId)}`
            : ""}
        </Caption1>
      ) : null}
    </div>
  );
}
