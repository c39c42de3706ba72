import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { commands, type DatabaseStatus } from "../ipc/bindings";
import { invalidate, queries, queryKeys } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";

const useStyles = makeStyles({
  surface: { maxWidth: "640px" },
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  path: {
    display: "block",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: "anywhere",
    userSelect: "text",
  },
  // Three actions side by side on one line each.
  actions: { gridColumnStart: 1, gridColumnEnd: -1, justifySelf: "end" },
  action: { whiteSpace: "nowrap", flexShrink: 0 },
});

/** The app, while its local database opens and once it is open. When the database file cannot
 * be used (empty, not a database, damaged, read-only, disk full…), a screen
 * says so, names the file and the reason, and offers to move the file aside
 * (kept, renamed) and start fresh, to try again, or to quit. */
export function DatabaseGate({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const status = useQuery(queries.databaseStatus());
  const [movedTo, setMovedTo] = useState<string | null>(null);
  const settle = (next: DatabaseStatus) => {
    client.setQueryData(queryKeys.databaseStatus, next);
    if (next.problem === null) {
      setMovedTo(next.movedTo);
      // Queries that failed while the database was unusable start again.
      invalidate.afterDatabaseOpened(client);
    }
  };
  const moveAside = useMutation({ mutationFn: () => commands.moveDatabaseAside(), onSuccess: settle });
  const again = useMutation({ mutationFn: () => commands.openDatabaseAgain(), onSuccess: settle });
  const quit = useMutation({ mutationFn: () => commands.quitApp() });
  const styles = useStyles();

  // The app paints at once: its screens fill in as their answers arrive, and
  // in the rare case of a damaged file this screen replaces them.
  if (status.isPending) return <>{children}</>;
  if (status.isError) {
    return (
      <ErrorBar
        error={toErrorPayload(status.error)}
        title="The local database could not be checked"
        onRetry={() => void status.refetch()}
      />
    );
  }
  const problem = status.data.problem;
  if (problem === null) {
    return (
      <>
        {children}
        <Dialog open={movedTo !== null} modalType="modal" onOpenChange={(_, d) => !d.open && setMovedTo(null)}>
          <DialogSurface aria-label="A fresh local database">
            <DialogBody>
              <DialogTitle>A fresh local database</DialogTitle>
              <DialogContent className={styles.content}>
                <Body1>The damaged file is kept, unchanged, as:</Body1>
                <code className={styles.path}>{movedTo}</code>
              </DialogContent>
              <DialogActions>
                <Button appearance="primary" onClick={() => setMovedTo(null)}>
                  OK
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      </>
    );
  }
  const busy = moveAside.isPending || again.isPending || quit.isPending;
  const failed = moveAside.error ?? again.error ?? quit.error;
  return (
    <Dialog open modalType="alert">
      <DialogSurface
        className={styles.surface}
        aria-label="The local database can't be used"
        data-testid="database-problem"
        data-problem={problem.kind}
      >
        <DialogBody>
          <DialogTitle>The local database can't be used</DialogTitle>
          <DialogContent className={styles.content}>
            <Body1>Exemption Desk keeps its apply journal, drafts and sign-in profiles in this file:</Body1>
            <code className={styles.path} data-testid="database-path">
              {status.data.path}
            </code>
            <Body1 data-testid="database-reason">{problem.reason}</Body1>
            <Body1>
              Nothing in the file has been changed, so an apply that was cut short stays in it.{" "}
              {problem.canMoveAside
                ? "Move it aside to keep it, renamed with the date and time, beside a fresh empty database; or fix the cause and try again."
                : "Fix the cause (free disk space, the folder's permissions, the program holding the file) and try again."}
            </Body1>
            {failed ? <ErrorBar error={toErrorPayload(failed)} /> : null}
          </DialogContent>
          <DialogActions className={styles.actions}>
            {problem.canMoveAside ? (
              <Button className={styles.action} appearance="primary" disabled={busy} onClick={() => moveAside.mutate()}>
                Move aside and start fresh
              </Button>
            ) : null}
            <Button
              className={styles.action}
              appearance={problem.canMoveAside ? "secondary" : "primary"}
              disabled={busy}
              onClick={() => again.mutate()}
            >
              Try again
            </Button>
            <Button className={styles.action} disabled={busy} onClick={() => quit.mutate()}>
              Quit
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
