import { Badge, Caption1, MessageBar, MessageBarBody, makeStyles, tokens } from "@fluentui/react-components";
import type { Coverage } from "../../ipc/bindings";
import { resourceStateText } from "./detailsText";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column" },
  item: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 1fr) auto",
    columnGap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { fontWeight: tokens.fontWeightSemibold, overflowWrap: "anywhere" },
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: "anywhere" },
});

const NUMBER = new Intl.NumberFormat("en-US");

/** The resources an exemption covers, each with whether Defender shows it exempt yet. */
export function CoveredResources({ coverage }: { coverage: Coverage }) {
  const styles = useStyles();
  if (coverage.unavailable) {
    return (
      <MessageBar intent="warning">
        <MessageBarBody>{coverage.unavailable}</MessageBarBody>
      </MessageBar>
    );
  }
  if (coverage.total === 0) {
    return (
      <Caption1 className={styles.muted}>
        Defender for Cloud assesses no resource under this scope for these recommendations.
      </Caption1>
    );
  }
  const rest = coverage.total - coverage.resources.length;
  return (
    <div className={styles.root}>
      <Caption1 data-testid="coverage-summary">
        {`Defender for Cloud shows ${NUMBER.format(coverage.shownExempt)} of ${NUMBER.format(coverage.total)} covered ${
          coverage.total === 1 ? "resource" : "resources"
        } as Not applicable (Exempt).`}
        {coverage.shownExempt < coverage.total ? " It can take up to 24 hours after an exemption is written." : ""}
      </Caption1>
      <ul className={styles.list} aria-label="Covered resources">
        {coverage.resources.map((r) => (
          <li key={`${r.recommendationKey} ${r.resource.id}`} className={styles.item} data-testid="covered-resource">
            <div>
              <div className={styles.name}>{r.resource.name}</div>
              <Caption1 className={styles.muted}>
                {[
                  words(r.resource.resourceType),
                  r.resource.resourceGroup ? `in ${r.resource.resourceGroup}` : null,
                  r.recommendationName,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Caption1>
            </div>
            <Badge appearance="tint" color={r.shownExempt ? "success" : "warning"}>
              {resourceStateText(r.resource.status, r.resource.cause, r.shownExempt)}
            </Badge>
          </li>
        ))}
      </ul>
      {rest > 0 ? (
        <Caption1
          className={styles.muted}
        >{`and ${NUMBER.format(rest)} more ${rest === 1 ? "resource" : "resources"} not listed.`}</Caption1>
      ) : null}
    </div>
  );
}

/** `Microsoft.Storage/storageAccounts` → `storage accounts`. */
function words(resourceType: string): string {
  const last = resourceType.split("/").pop() ?? resourceType;
  return last.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}
