import {
  Button,
  Caption1,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Title3,
  ToggleButton,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular, HistoryRegular, SearchRegular } from "@fluentui/react-icons";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { commands, type ActivityKind, type ErrorPayload } from "../ipc/bindings";
import { queries, queryError } from "../ipc/queries";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { ActivityTable } from "./ActivityTable";
import { ACTIVITY_LIMIT, KINDS, KIND_LABELS, activityQuery } from "./activityView";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  heading: { display: "flex", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalM },
  toolbar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  search: { width: "320px", maxWidth: "100%" },
  count: { color: tokens.colorNeutralForeground3 },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalS,
    minWidth: 0,
  },
  path: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere" },
});

const NUMBER = new Intl.NumberFormat("en-US");

/** The local audit log: every sign-in, request, decision, write and delete,
 * with who, when and how it ended; searchable, filtered by kind, exported as CSV. */
export function ActivityPage() {
  const styles = useStyles();
  const [text, setText] = useState("");
  const [kinds, setKinds] = useState<ActivityKind[]>([]);
  // Typing stays quick: the query follows the text when React has time.
  const deferredText = useDeferredValue(text);
  const query = useMemo(() => activityQuery(deferredText, kinds), [deferredText, kinds]);
  const log = useQuery({ ...queries.activity(query), placeholderData: keepPreviousData });
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<ErrorPayload | null>(null);
  const error = queryError(log.error);
  const rows = log.data ?? [];

  const toggle = (k: ActivityKind) => setKinds((ks) => (ks.includes(k) ? ks.filter((x) => x !== k) : [...ks, k]));
  const exportCsv = async () => {
    setExporting(true);
    setExported(null);
    setExportError(null);
    try {
      const path = await commands.exportActivity(query);
      if (path !== null) setExported(path);
    } catch (e) {
      setExportError(toErrorPayload(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className={styles.root}>
      <div className={styles.heading}>
        <Title3 as="h2">Activity</Title3>
        <Button
          icon={exporting ? <Spinner size="extra-tiny" /> : <ArrowDownloadRegular />}
          disabled={exporting}
          onClick={() => void exportCsv()}
        >
          Export CSV…
        </Button>
      </div>
      {exported ? (
        <MessageBar intent="success" data-testid="activity-exported">
          <MessageBarBody>
            Exported to <span className={styles.path}>{exported}</span>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {exportError ? <ErrorBar error={exportError} title="Couldn't export the activity" /> : null}
      <div className={styles.toolbar}>
        <Input
          className={styles.search}
          type="search"
          aria-label="Search activity"
          placeholder="Search who, what, outcome, subject"
          contentBefore={<SearchRegular />}
          value={text}
          onChange={(_, d) => setText(d.value)}
        />
        <div role="group" aria-label="Kinds" className={styles.toolbar}>
          {KINDS.map((k) => (
            <ToggleButton key={k} size="small" checked={kinds.includes(k)} onClick={() => toggle(k)}>
              {KIND_LABELS[k]}
            </ToggleButton>
          ))}
        </div>
        {log.isFetching ? <Spinner size="extra-tiny" aria-label="Reading" /> : null}
      </div>
      {error ? (
        <ErrorBar
          error={error}
          title="Couldn't read the activity"
          onRetry={() => void log.refetch()}
          retrying={log.isFetching}
        />
      ) : null}
      {log.isPending && !error ? <Spinner size="small" label="Reading the activity…" /> : null}
      {log.data ? (
        rows.length === 0 ? (
          <EmptyState icon={<HistoryRegular />} title="Nothing to show">
            {query.text || query.kinds.length > 0 ? "No line matches the search." : "Nothing has happened yet."}
          </EmptyState>
        ) : (
          <>
            <Caption1 className={styles.count} data-testid="activity-count">
              {rows.length >= ACTIVITY_LIMIT
                ? `The newest ${NUMBER.format(rows.length)} lines (search or export for the rest)`
                : `${NUMBER.format(rows.length)} line${rows.length === 1 ? "" : "s"}`}
            </Caption1>
            <div className={styles.card}>
              <ActivityTable entries={rows} />
            </div>
          </>
        )
      ) : null}
    </div>
  );
}
