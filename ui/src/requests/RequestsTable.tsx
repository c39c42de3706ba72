import { makeStyles, tokens } from "@fluentui/react-components";
import { useMemo, useState } from "react";
import type { ExemptionRequest } from "../ipc/bindings";
import { CATEGORY_LABELS } from "../shared/categoryLabel";
import { Truncated } from "../shared/Truncated";
import { VirtualTable, type Column } from "../shared/VirtualTable";
import { RequestStateBadge } from "./RequestStateBadge";
import { ageText } from "./requestRules";
import { TicketText } from "./TicketText";

const useStyles = makeStyles({
  table: { minHeight: "120px" },
  stack: { display: "flex", flexDirection: "column", alignItems: "flex-start", minWidth: 0, width: "100%" },
  strong: { fontWeight: tokens.fontWeightSemibold },
  muted: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  small: { fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200 },
});

type Props = {
  requests: readonly ExemptionRequest[];
  onOpen: (request: ExemptionRequest) => void;
};

// Two lines a row, so every column fits a 1280 px window: who asked and when,
// for what and where, the state, its terms, and why (with the ticket). Below
// that, the columns scroll sideways inside the card.
export function RequestsTable({ requests, onOpen }: Props) {
  const styles = useStyles();
  // Ages count from when the list was shown; a refetch (every change) shows it again.
  const [now] = useState(() => Date.now());
  const columns = useMemo<Column<ExemptionRequest>[]>(
    () => [
      {
        id: "requester",
        header: "Requester",
        width: "minmax(150px, 1fr)",
        render: (r) => (
          <div className={styles.stack}>
            <Truncated text={r.requestedBy.account} className={styles.strong} />
            <span className={styles.muted} title={r.requestedAt}>
              {r.requesterVerified ? ageText(r.requestedAt, now) : "unverified (from a file)"}
            </span>
          </div>
        ),
      },
      {
        id: "recommendation",
        header: "Recommendation",
        width: "minmax(180px, 1.5fr)",
        render: (r) => (
          <div className={styles.stack}>
            <Truncated text={r.recommendationName} />
            <Truncated text={r.draft.name} className={styles.muted} />
          </div>
        ),
      },
      { id: "scope", header: "Scope", width: "minmax(130px, 1fr)", render: (r) => <Truncated text={r.scopeSummary} /> },
      {
        id: "state",
        header: "State",
        width: "132px",
        render: (r) => <RequestStateBadge state={r.state} />,
      },
      {
        id: "terms",
        header: "Category",
        width: "144px",
        render: (r) => (
          <div className={styles.stack}>
            <Truncated
              text={r.draft.category ?? "—"}
              title={r.draft.category ? CATEGORY_LABELS[r.draft.category] : "No category"}
            />
            <Truncated
              text={r.draft.expiresOn ? `Expires ${r.draft.expiresOn}` : "No expiry"}
              className={styles.muted}
            />
          </div>
        ),
      },
      {
        id: "justification",
        header: "Justification, ticket",
        width: "minmax(180px, 2fr)",
        render: (r) => (
          <div className={styles.stack}>
            <Truncated text={r.justification} />
            {r.ticket ? (
              <Truncated text={r.ticket} className={styles.small}>
                <TicketText ticket={r.ticket} />
              </Truncated>
            ) : null}
          </div>
        ),
      },
    ],
    [styles, now],
  );
  return (
    <VirtualTable
      aria-label="Requests"
      className={styles.table}
      rows={requests}
      rowKey={(r) => r.id}
      columns={columns}
      rowHeight={52}
      maxHeight="max(240px, calc(100vh - 300px))"
      minWidth="900px"
      onOpen={onOpen}
      rowAttributes={(r) => ({
        "data-testid": "request-row",
        "data-id": r.id,
        "aria-label": `${r.requestedBy.account}: ${r.recommendationName}, ${r.state}`,
      })}
    />
  );
}
