import { Button, Caption1, ProgressBar, Spinner, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import { DismissCircleRegular } from "@fluentui/react-icons";
import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { ErrorBar } from "../shared/ErrorBar";
import { describeScope } from "../shared/scopeNames";
import { VirtualList } from "../shared/VirtualList";
import { ApplyItemRow, ITEM_COLUMNS } from "./ApplyItemRow";
import { ApplyResult } from "./ApplyResult";
import { applyStore } from "./applyStore";
import { CHANGE_KEY, IMPORT_KEY } from "./changeKey";
import { useApply } from "./useApply";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  bar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM, flexWrap: "wrap" },
  counts: { fontVariantNumeric: "tabular-nums", color: tokens.colorNeutralForeground2, flexGrow: 1 },
  header: {
    display: "grid",
    gridTemplateColumns: ITEM_COLUMNS,
    columnGap: tokens.spacingHorizontalM,
    padding: `0 ${tokens.spacingHorizontalS}`,
    color: tokens.colorNeutralForeground3,
    marginBottom: `calc(-1 * ${tokens.spacingVerticalS})`,
  },
  stateHeader: { justifySelf: "end" },
  list: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
});

type Props = {
  applyId: string;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
  onAnother?: () => void;
  /** Without it, the result has no Close of its own (a dialog around it has one). */
  onClose?: () => void;
};

/** One apply as it goes: a bar, every write's state, Cancel; the result at the end. */
export function ApplyProgressView({ applyId, subscriptions, groups, onAnother, onClose }: Props) {
  const styles = useStyles();
  const view = useApply(applyId);
  if (!view || !view.report) {
    return view?.error ? (
      <ErrorBar
        error={view.error}
        title="Couldn't read the apply's progress"
        onRetry={() => void applyStore.refresh(applyId)}
      />
    ) : (
      <Spinner size="small" label="Starting…" />
    );
  }
  const done = view.succeeded + view.failed + view.cancelled + view.changed;
  // Changes to existing exemptions (extend, edit, delete) share this view with creation.
  const key = view.report.recommendationKey;
  const verb = key === CHANGE_KEY ? "Changing" : key === IMPORT_KEY ? "Importing" : "Creating";
  return (
    <div className={styles.root}>
      <section className={styles.root} data-testid="apply-progress" aria-label="Progress" data-finished={view.finished}>
        <Subtitle2 as="h3">
          {view.finished
            ? `Finished: ${view.total} write${view.total === 1 ? "" : "s"}`
            : `${view.cancelling ? "Cancelling…" : verb} ${view.total} exemption${view.total === 1 ? "" : "s"}`}
        </Subtitle2>
        <ProgressBar
          value={view.total === 0 ? 1 : done / view.total}
          max={1}
          thickness="large"
          color={view.failed > 0 ? "error" : view.finished ? "success" : "brand"}
          aria-label="Progress"
          aria-valuetext={`${done} of ${view.total} done`}
        />
        <div className={styles.bar}>
          <Caption1 className={styles.counts} aria-live="polite" data-testid="apply-counts">
            {view.succeeded} succeeded · {view.failed} failed
            {view.cancelled > 0 ? ` · ${view.cancelled} cancelled` : ""}
            {view.changed > 0 ? ` · ${view.changed} changed in Azure, not overwritten` : ""} · {done} of {view.total}{" "}
            done
          </Caption1>
          {!view.finished ? (
            <Button
              icon={view.cancelling ? <Spinner size="extra-tiny" /> : <DismissCircleRegular />}
              disabled={view.cancelling}
              onClick={() => void applyStore.cancel(applyId)}
            >
              Cancel
            </Button>
          ) : null}
        </div>
        {view.error ? (
          <ErrorBar
            error={view.error}
            title={view.stopped ? "The apply stopped; what was written is kept and the rest can be resumed" : undefined}
            onRetry={view.stopped ? () => void applyStore.resume(applyId) : undefined}
            retryLabel="Resume"
          />
        ) : null}
        {view.finished ? (
          <ApplyResult
            view={view}
            subscriptions={subscriptions}
            groups={groups}
            onAnother={onAnother}
            onClose={onClose}
          />
        ) : null}
        <div className={styles.header} aria-hidden="true" data-testid="apply-columns">
          <Caption1>Scope</Caption1>
          <Caption1>Initiative</Caption1>
          <Caption1 className={styles.stateHeader}>State</Caption1>
        </div>
        <VirtualList
          aria-label="Writes"
          className={styles.list}
          items={view.items}
          itemKey={(i) => i.index}
          estimate={52}
          maxHeight="48vh"
          render={(item) => <ApplyItemRow item={item} scope={describeScope(item.write.scope, subscriptions, groups)} />}
        />
      </section>
    </div>
  );
}
