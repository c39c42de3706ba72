import { Body1, MessageBar, MessageBarBody, MessageBarTitle, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useRef, useState } from "react";
import { ApplyProgressView } from "../apply/ApplyProgressView";
import { applyStore } from "../apply/applyStore";
import { useApply } from "../apply/useApply";
import {
  commands,
  type ErrorPayload,
  type ExemptionDraft,
  type Preparation,
  type Recommendation,
  type Subscription,
} from "../ipc/bindings";
import { toErrorPayload } from "../shared/errors";
import { useManagementGroups } from "../ipc/queries";
import { SeverityBadge } from "../shared/SeverityBadge";
import { emptyDraft, withOffset } from "./draft";
import { ExemptForm } from "./ExemptForm";
import { PreviewSection } from "./preview/PreviewSection";
import { NO_REQUEST_TEXT, RequestSection, type RequestText } from "./request/RequestSection";
import { useDraftAutosave } from "./useDraftAutosave";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  meta: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground3,
  },
});

type Stage =
  | { kind: "form" }
  | { kind: "preview"; preparation: Preparation }
  | { kind: "request"; preparation: Preparation; draft: ExemptionDraft }
  | { kind: "apply"; applyId: string };

type Props = {
  recommendation: Recommendation;
  subscriptions: readonly Subscription[];
  savedDraft?: ExemptionDraft | null;
  /** Show this apply's progress (or result) instead of the form. */
  applyId?: string | null;
  onDraftChange?: (key: string, draft: ExemptionDraft | null) => void;
  onClose: () => void;
};

/** Everything inside the Exempt drawer: the form and its checks, then the
 * preview of every write, then the apply's progress and result. */
export function ExemptPane({ recommendation, subscriptions, savedDraft, applyId, onDraftChange, onClose }: Props) {
  const styles = useStyles();
  const key = recommendation.key;
  const groups = useManagementGroups();
  const [values, setValues] = useState<ExemptionDraft>(() => savedDraft ?? emptyDraft(key));
  const [formKey, setFormKey] = useState(0);
  const [stage, setStage] = useState<Stage>(applyId ? { kind: "apply", applyId } : { kind: "form" });
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<ErrorPayload | null>(null);
  const [requestText, setRequestText] = useState<RequestText>(NO_REQUEST_TEXT);
  const exemptible = recommendation.notExemptibleReason === null;
  const resetSaved = useDraftAutosave(values, exemptible && stage.kind === "form");

  useEffect(() => onDraftChange?.(key, values), [values, onDraftChange, key]);

  // After a clean apply the draft has done its job. (What the apply changed
  // in Azure is read again by `useRefreshAfterApplies`, pane open or not.)
  const view = useApply(stage.kind === "apply" ? stage.applyId : null);
  const settled = useRef<string | null>(null);
  useEffect(() => {
    if (!view?.finished || settled.current === view.id) return;
    settled.current = view.id;
    if (view.failed === 0 && view.cancelled === 0 && !applyId) {
      onDraftChange?.(key, null);
      commands.discardDraft().catch(() => {});
    }
  }, [view, key, onDraftChange, applyId]);

  const fresh = () => {
    const next = emptyDraft(key);
    resetSaved(next);
    setValues(next);
    setFormKey((k) => k + 1);
    setRequestText(NO_REQUEST_TEXT);
    setStage({ kind: "form" });
  };
  // The request went out: like a clean apply, the draft has done its job.
  const requested = () => {
    onDraftChange?.(key, null);
    commands.discardDraft().catch(() => {});
  };
  const request = (preparation: Preparation) => setStage({ kind: "request", preparation, draft: withOffset(values) });
  const discard = () => {
    commands.discardDraft().catch(() => {});
    onDraftChange?.(key, null);
    fresh();
  };
  const confirm = async (preparation: Preparation) => {
    setStarting(true);
    setStartError(null);
    try {
      const id = await applyStore.start(preparation.planId);
      setStage({ kind: "apply", applyId: id });
    } catch (error) {
      setStartError(toErrorPayload(error));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className={styles.root}>
      <div className={styles.meta}>
        <SeverityBadge severity={recommendation.severity} />
        <Body1>severity · {recommendation.unhealthyCount} unhealthy resources</Body1>
      </div>
      {!exemptible ? (
        <MessageBar intent="warning" layout="multiline" data-testid="not-exemptible-reason">
          <MessageBarBody>
            <MessageBarTitle>This recommendation can't be exempted</MessageBarTitle>
            {recommendation.notExemptibleReason}
          </MessageBarBody>
        </MessageBar>
      ) : stage.kind === "apply" ? (
        <ApplyProgressView
          applyId={stage.applyId}
          subscriptions={subscriptions}
          groups={groups.data}
          onAnother={fresh}
          onClose={onClose}
        />
      ) : stage.kind === "preview" ? (
        <PreviewSection
          preparation={stage.preparation}
          subscriptions={subscriptions}
          groups={groups.data}
          starting={starting}
          startError={startError}
          onConfirm={() => void confirm(stage.preparation)}
          onRequest={() => request(stage.preparation)}
          onBack={() => setStage({ kind: "form" })}
        />
      ) : stage.kind === "request" ? (
        <RequestSection
          draft={stage.draft}
          preparation={stage.preparation}
          subscriptions={subscriptions}
          groups={groups.data}
          text={requestText}
          onText={setRequestText}
          onBack={() => setStage({ kind: "form" })}
          onDone={requested}
          onClose={onClose}
        />
      ) : (
        <ExemptForm
          key={formKey}
          values={values}
          setValues={setValues}
          subscriptions={subscriptions}
          onPreview={(preparation) => {
            setStartError(null);
            setStage({ kind: "preview", preparation });
          }}
          onRequest={request}
          onDiscard={discard}
          onCancel={onClose}
        />
      )}
    </div>
  );
}
