import {
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ApplyProgressView } from "../apply/ApplyProgressView";
import { WritesPreview } from "../exemptions/actions/WritesPreview";
import type { ApproverChanges, ExemptionCategory, ExemptionRequest } from "../ipc/bindings";
import {
  queries,
  queryError,
  useManagementGroups,
  useSession,
  useSubscriptions,
  type ReviewSource,
} from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { ApproverChangesFields } from "./ApproverChangesFields";
import { DecisionBar } from "./DecisionBar";
import { approverExpiryError } from "./requestRules";
import { ResubmitForm } from "./ResubmitForm";
import { ReviewFacts } from "./ReviewFacts";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  stale: { opacity: 0.6 },
  muted: { color: tokens.colorNeutralForeground3 },
});

export const NO_CHANGES: ApproverChanges = { expiresOn: null, category: null };

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

type Props = {
  source: ReviewSource;
  /** The request as the list showed it, while the review is made (or when it fails). */
  listed: ExemptionRequest | null;
  onClose: () => void;
};

/** One request, reviewed under the signed-in user's identity: what was asked,
 * what differs now (prominent), why they can't approve if so, their changes,
 * the checks and writes as they would be sent, and the decision. */
export function ReviewPane({ source, listed, onClose }: Props) {
  const styles = useStyles();
  const session = useSession();
  const subscriptions = useSubscriptions();
  const groups = useManagementGroups();
  const [expiry, setExpiry] = useState("");
  const [category, setCategory] = useState<ExemptionCategory | null>(null);
  const [applyId, setApplyId] = useState<string | null>(null);
  const [resubmitting, setResubmitting] = useState(false);
  // The request as first reviewed (no changes: the same query the pane opens with) says what was asked.
  const base = useQuery(queries.requestReview(source, NO_CHANGES));
  const requested = (base.data?.request ?? listed)?.draft.expiresOn ?? null;
  const expiryValid = expiry === "" || approverExpiryError(expiry, requested) === null;
  // A date still being typed is no change yet; the last valid answer stays.
  const changes = useMemo<ApproverChanges>(
    () => ({ expiresOn: expiry !== "" && expiryValid ? expiry : null, category }),
    [expiry, expiryValid, category],
  );
  const review = useQuery({ ...queries.requestReview(source, changes), placeholderData: keepPreviousData });
  const data = review.data ?? null;
  const request = data?.request ?? listed;
  const own = !!request && !!session.data && sameId(session.data.objectId, request.requestedBy.objectId);
  const current = !!data && !review.isPlaceholderData;
  const error = queryError(review.error);

  if (applyId) {
    return (
      <ApplyProgressView
        applyId={applyId}
        subscriptions={subscriptions.data ?? []}
        groups={groups.data}
        onClose={onClose}
      />
    );
  }
  if (!request) {
    return error ? (
      <ErrorBar error={error} title="Couldn't open the request" onRetry={() => void review.refetch()} />
    ) : (
      <Spinner size="small" label="Opening the request…" />
    );
  }
  if (resubmitting) {
    return (
      <ResubmitForm request={request} onDone={() => setResubmitting(false)} onCancel={() => setResubmitting(false)} />
    );
  }
  const mayChange = !!data && request.state === "Pending" && data.cannotApprove === null && !own;
  return (
    <div className={styles.root} data-testid="request-review">
      {/* What changed since it was asked, and whether the user may decide, come first. */}
      {data ? (
        <div className={mergeClasses(styles.root, current ? undefined : styles.stale)}>
          {data.differences.length > 0 ? (
            <MessageBar intent="warning" layout="multiline" data-testid="request-differences">
              <MessageBarBody>
                <MessageBarTitle>What differs from what was requested</MessageBarTitle>
                <ul className={styles.list}>
                  {data.differences.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </MessageBarBody>
            </MessageBar>
          ) : (
            <Caption1 className={styles.muted} data-testid="request-no-differences">
              Nothing differs from what was requested: the writes are as the requester saw them.
            </Caption1>
          )}
          {data.cannotApprove ? (
            <MessageBar intent="info" layout="multiline" data-testid="cannot-approve">
              <MessageBarBody>
                <MessageBarTitle>You can't approve this request</MessageBarTitle>
                {data.cannotApprove}
              </MessageBarBody>
            </MessageBar>
          ) : null}
        </div>
      ) : null}
      <ReviewFacts request={request} />
      {error ? (
        <ErrorBar
          error={error}
          title="Couldn't check the request again under your identity"
          onRetry={() => void review.refetch()}
          retrying={review.isFetching}
        />
      ) : null}
      {review.isFetching ? (
        <Spinner size="tiny" label="Checking again under your identity…" labelPosition="after" />
      ) : null}
      {data ? (
        <div className={mergeClasses(styles.root, current ? undefined : styles.stale)}>
          {mayChange ? (
            <ApproverChangesFields
              request={request}
              expiry={expiry}
              changes={changes}
              onExpiry={setExpiry}
              onCategory={setCategory}
            />
          ) : null}
          <WritesPreview
            preparation={data.preparation}
            subscriptions={subscriptions.data ?? []}
            groups={groups.data}
            testIdPrefix="review"
          >
            <Caption1 className={styles.muted}>Checked and planned just now, under your identity.</Caption1>
          </WritesPreview>
          <DecisionBar
            review={data}
            own={own}
            changes={changes}
            current={current}
            changesValid={expiryValid}
            onApproved={setApplyId}
            onResubmit={() => setResubmitting(true)}
          />
        </div>
      ) : null}
    </div>
  );
}
