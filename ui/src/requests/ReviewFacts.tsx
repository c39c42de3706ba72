import { Badge, Body1, Caption1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ExemptionRequest } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { formatExpiry } from "../shared/formatDate";
import { RequestStateBadge } from "./RequestStateBadge";
import { STATE_LABELS } from "./requestRules";
import { TicketText } from "./TicketText";

const useStyles = makeStyles({
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
  },
  value: { margin: 0, overflowWrap: "anywhere", whiteSpace: "pre-wrap" },
  heading: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  history: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

const when = (at: string) => formatExpiry(at);

/** What was asked, by whom, and everything that happened to the request since. */
export function ReviewFacts({ request }: { request: ExemptionRequest }) {
  const styles = useStyles();
  const d = request.draft;
  return (
    <>
      <div className={styles.heading}>
        <RequestStateBadge state={request.state} />
        {!request.requesterVerified ? (
          <Badge appearance="filled" color="warning" data-testid="requester-unverified">
            Requester unverified (from a file)
          </Badge>
        ) : null}
      </div>
      <dl className={styles.facts} data-testid="request-facts">
        <dt className={styles.term}>Requested by</dt>
        <dd className={styles.value}>
          {request.requestedBy.account}
          {!request.requesterVerified ? " (as the file states it)" : ""}
        </dd>
        <dt className={styles.term}>Requested</dt>
        <dd className={styles.value}>{when(request.requestedAt)}</dd>
        <dt className={styles.term}>Scope</dt>
        <dd className={styles.value}>{request.scopeSummary}</dd>
        <dt className={styles.term}>Name</dt>
        <dd className={styles.value}>{d.displayName ? `${d.displayName} (${d.name})` : d.name}</dd>
        <dt className={styles.term}>Category</dt>
        <dd className={styles.value}>{categoryLabel(d.category)}</dd>
        <dt className={styles.term}>Expires</dt>
        <dd className={styles.value}>{d.expiresOn ?? "Never"}</dd>
        <dt className={styles.term}>Justification</dt>
        <dd className={styles.value} data-testid="request-justification">
          {request.justification}
        </dd>
        <dt className={styles.term}>Ticket</dt>
        <dd className={styles.value}>
          <TicketText ticket={request.ticket} requestId={request.id} />
        </dd>
        <dt className={styles.term}>Description</dt>
        <dd className={styles.value}>{d.description || "—"}</dd>
      </dl>
      <section aria-label="History" data-testid="request-history">
        <Subtitle2 as="h3">History</Subtitle2>
        {request.history.length === 0 ? (
          <Caption1 className={styles.muted}>Nothing yet.</Caption1>
        ) : (
          <ol className={styles.history}>
            {request.history.map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <Body1>
                  {STATE_LABELS[e.state]} · {e.by.account} · {when(e.at)}
                </Body1>
                {e.note ? <Caption1 className={styles.value}>{` — ${e.note}`}</Caption1> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
