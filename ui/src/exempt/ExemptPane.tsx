import {
  Body1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useState } from "react";
import type { Exemption, ExemptionDraft, Recommendation, Subscription } from "../ipc/bindings";
import { SeverityBadge } from "../shared/SeverityBadge";
import { CreateResult } from "./CreateResult";
import { emptyDraft } from "./draft";
import { ExemptForm } from "./ExemptForm";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  summary: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  meta: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, color: tokens.colorNeutralForeground3 },
  description: { color: tokens.colorNeutralForeground2 },
});

type Props = {
  recommendation: Recommendation;
  subscriptions: readonly Subscription[];
  savedDraft?: ExemptionDraft | null;
  onDraftChange?: (key: string, draft: ExemptionDraft | null) => void;
  onClose: () => void;
};

/** Everything inside the Exempt drawer: what is being exempted, then the form
 * or, once created, the result. */
export function ExemptPane({ recommendation, subscriptions, savedDraft, onDraftChange, onClose }: Props) {
  const styles = useStyles();
  const [created, setCreated] = useState<Exemption[] | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [initial, setInitial] = useState<ExemptionDraft>(
    () => savedDraft ?? emptyDraft(recommendation.key),
  );
  const key = recommendation.key;
  const onChange = useCallback((d: ExemptionDraft) => onDraftChange?.(key, d), [onDraftChange, key]);
  const onCreated = (list: Exemption[]) => {
    setCreated(list);
    onDraftChange?.(key, null);
  };
  const another = () => {
    setInitial(emptyDraft(key));
    setFormKey((k) => k + 1);
    setCreated(null);
  };

  return (
    <div className={styles.root}>
      <div className={styles.summary}>
        <div className={styles.meta}>
          <SeverityBadge severity={recommendation.severity} />
          <Body1>severity · {recommendation.unhealthyCount} unhealthy resources</Body1>
        </div>
        {recommendation.description ? (
          <Body1 className={styles.description}>{recommendation.description}</Body1>
        ) : null}
      </div>
      {recommendation.notExemptibleReason !== null ? (
        <MessageBar intent="warning" layout="multiline" data-testid="not-exemptible-reason">
          <MessageBarBody>
            <MessageBarTitle>This recommendation can't be exempted</MessageBarTitle>
            {recommendation.notExemptibleReason}
          </MessageBarBody>
        </MessageBar>
      ) : created ? (
        <CreateResult created={created} subscriptions={subscriptions} onAnother={another} onClose={onClose} />
      ) : (
        <ExemptForm
          key={formKey}
          initial={initial}
          subscriptions={subscriptions}
          onChange={onChange}
          onCreated={onCreated}
          onCancel={onClose}
        />
      )}
    </div>
  );
}
