import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { Exemption, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { formatExpiry } from "../shared/formatDate";
import { scopeLabel } from "../shared/subscriptionNames";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  list: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
  },
  item: {
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    margin: `${tokens.spacingVerticalS} 0 0`,
  },
  term: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
  },
  value: { margin: 0, overflowWrap: "anywhere", fontSize: tokens.fontSizeBase300 },
  actions: { display: "flex", gap: tokens.spacingHorizontalS },
  next: { color: tokens.colorNeutralForeground2 },
});

type Props = {
  created: readonly Exemption[];
  subscriptions: readonly Subscription[];
  onAnother: () => void;
  onClose: () => void;
};

export function CreateResult({ created, subscriptions, onAnother, onClose }: Props) {
  const styles = useStyles();
  const n = created.length;
  return (
    <section className={styles.root} data-testid="create-result" aria-label="Result">
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>
            Created {n} exemption{n === 1 ? "" : "s"}
          </MessageBarTitle>
          Defender for Cloud can take up to 24 hours to show the resources as Not applicable (Exempt).
        </MessageBarBody>
      </MessageBar>
      <ul className={styles.list}>
        {created.map((e) => (
          <li key={e.id} className={styles.item} data-testid="created-exemption">
            <Text weight="semibold">{e.displayName || e.name}</Text>
            <dl className={styles.facts}>
              <dt className={styles.term}>Name</dt>
              <dd className={styles.value}>{e.name}</dd>
              <dt className={styles.term}>Scope</dt>
              <dd className={styles.value} title={e.scope}>
                {scopeLabel(e.scope, subscriptions)}
              </dd>
              <dt className={styles.term}>Category</dt>
              <dd className={styles.value}>{categoryLabel(e.category)}</dd>
              <dt className={styles.term}>Expires</dt>
              <dd className={styles.value}>{formatExpiry(e.expiresOn)}</dd>
              <dt className={styles.term}>Policy assignment</dt>
              <dd className={styles.value}>{e.policyAssignmentId}</dd>
              <dt className={styles.term}>Reference ids</dt>
              <dd className={styles.value}>
                {e.policyDefinitionReferenceIds.length > 0 ? e.policyDefinitionReferenceIds.join(", ") : "—"}
              </dd>
            </dl>
          </li>
        ))}
      </ul>
      <div className={styles.actions}>
        <Button appearance="primary" onClick={onAnother}>
          Exempt another
        </Button>
        <Button onClick={onClose}>Close</Button>
      </div>
    </section>
  );
}
