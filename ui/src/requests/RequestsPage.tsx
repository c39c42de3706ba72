import {
  Button,
  Caption1,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  OverlayDrawer,
  Spinner,
  Tab,
  TabList,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowClockwiseRegular,
  DismissRegular,
  DocumentSearchRegular,
  PeopleQueueRegular,
} from "@fluentui/react-icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useNavigation, type Navigation } from "../app/navigation";
import { commands, type ErrorPayload, type ExemptionRequest, type RequestListKind } from "../ipc/bindings";
import { queries, queryError, queryKeys, type ReviewSource } from "../ipc/queries";
import { EmptyState } from "../shared/EmptyState";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { RequestsTable } from "./RequestsTable";
import { NO_CHANGES, ReviewPane } from "./ReviewPane";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  heading: {
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
    flexWrap: "wrap",
  },
  toolbar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  count: { color: tokens.colorNeutralForeground3 },
  card: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    padding: tokens.spacingHorizontalS,
    minWidth: 0,
  },
  title: { overflowWrap: "anywhere" },
});

export const VIEWS: { kind: RequestListKind; label: string; empty: string }[] = [
  { kind: "AwaitingDecision", label: "Awaiting my decision", empty: "No request waits for your decision." },
  { kind: "Mine", label: "My requests", empty: "You have made no requests. Request approval from the Exempt pane." },
  { kind: "All", label: "All", empty: "This tenant has no requests yet." },
];

type Open = { source: ReviewSource; listed: ExemptionRequest | null };

/** The seed last applied (by its time), so a seed applies once, not on every visit. */
let appliedSeedAt = 0;
function takeSeed(seed: Navigation["requestSeed"]) {
  if (!seed || seed.at === appliedSeedAt) return null;
  appliedSeedAt = seed.at;
  return seed.seed;
}

const newestFirst = (a: ExemptionRequest, b: ExemptionRequest) => b.requestedAt.localeCompare(a.requestedAt);

/** Requests and approvals: the approver's queue, the user's own requests, all
 * of the tenant's; a request (or a request file) opens in the review pane. */
export function RequestsPage() {
  const styles = useStyles();
  const client = useQueryClient();
  const { requestSeed } = useNavigation();
  const [kind, setKind] = useState<RequestListKind>("AwaitingDecision");
  const [open, setOpen] = useState<Open | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [fileError, setFileError] = useState<ErrorPayload | null>(null);
  const list = useQuery(queries.requests(kind));
  const rows = useMemo(() => [...(list.data ?? [])].sort(newestFirst), [list.data]);
  const error = queryError(list.error);

  // A request or a request file sent here (a notification, a deep link, a file opened from outside).
  useEffect(() => {
    const seed = takeSeed(requestSeed);
    if (seed?.requestId) setOpen({ source: { id: seed.requestId, path: null }, listed: null });
    else if (seed?.file) setOpen({ source: { id: "", path: seed.file }, listed: null });
  }, [requestSeed]);

  const chooseFile = async () => {
    setChoosing(true);
    setFileError(null);
    try {
      const review = await commands.chooseRequestFile();
      if (!review) return;
      // Once opened, the backend knows the file's request by its id: changes re-review it so.
      const source = { id: review.request.id, path: null };
      client.setQueryData(queryKeys.requestReview(source, NO_CHANGES), review);
      setOpen({ source, listed: review.request });
    } catch (e) {
      setFileError(toErrorPayload(e));
    } finally {
      setChoosing(false);
    }
  };

  const view = VIEWS.find((v) => v.kind === kind)!;
  const shown = open?.listed ?? null;
  return (
    <div className={styles.root}>
      <div className={styles.heading}>
        <Title3 as="h2">Requests</Title3>
        <div className={styles.toolbar}>
          <Button
            icon={choosing ? <Spinner size="extra-tiny" /> : <DocumentSearchRegular />}
            disabled={choosing}
            onClick={() => void chooseFile()}
          >
            Open request file…
          </Button>
          <Button
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            disabled={list.isFetching}
            onClick={() => void list.refetch()}
          >
            Refresh
          </Button>
        </div>
      </div>
      {fileError ? <ErrorBar error={fileError} title="Couldn't open the request file" /> : null}
      <TabList
        selectedValue={kind}
        onTabSelect={(_, d) => setKind(d.value as RequestListKind)}
        aria-label="Which requests"
      >
        {VIEWS.map((v) => (
          <Tab key={v.kind} value={v.kind}>
            {v.label}
          </Tab>
        ))}
      </TabList>
      {error ? (
        <ErrorBar
          error={error}
          title="Couldn't read the requests"
          onRetry={() => void list.refetch()}
          retrying={list.isFetching}
        />
      ) : null}
      {list.isPending ? <Spinner size="small" label="Reading the requests…" /> : null}
      {list.data ? (
        rows.length === 0 ? (
          <EmptyState icon={<PeopleQueueRegular />} title="Nothing here">
            {view.empty}
          </EmptyState>
        ) : (
          <>
            <Caption1 className={styles.count} data-testid="requests-count">
              {rows.length} request{rows.length === 1 ? "" : "s"}
            </Caption1>
            <div className={styles.card}>
              <RequestsTable requests={rows} onOpen={(r) => setOpen({ source: { id: r.id, path: null }, listed: r })} />
            </div>
          </>
        )
      ) : null}
      <OverlayDrawer
        position="end"
        size="large"
        open={open !== null}
        onOpenChange={(_, d) => {
          if (!d.open) setOpen(null);
        }}
        aria-label="Request"
      >
        {open ? (
          <>
            <DrawerHeader>
              <DrawerHeaderTitle
                className={styles.title}
                action={
                  <Button
                    appearance="subtle"
                    aria-label="Close"
                    icon={<DismissRegular />}
                    onClick={() => setOpen(null)}
                  />
                }
              >
                {shown ? `Request: ${shown.recommendationName}` : open.source.path ? "Request file" : "Request"}
              </DrawerHeaderTitle>
            </DrawerHeader>
            <DrawerBody>
              <ReviewPane
                key={`${open.source.id}|${open.source.path ?? ""}`}
                source={open.source}
                listed={open.listed}
                onClose={() => setOpen(null)}
              />
            </DrawerBody>
          </>
        ) : null}
      </OverlayDrawer>
    </div>
  );
}
