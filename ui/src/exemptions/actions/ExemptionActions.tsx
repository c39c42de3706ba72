import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Toolbar,
  ToolbarButton,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowLeftRegular,
  CalendarAddRegular,
  CalendarCancelRegular,
  DeleteRegular,
  EditRegular,
  SendRegular,
} from "@fluentui/react-icons";
import { memo, useState, type ReactElement } from "react";
import { ApplyProgressView } from "../../apply/ApplyProgressView";
import { applyStore } from "../../apply/applyStore";
import {
  commands,
  type ErrorPayload,
  type Exemption,
  type ManagementGroupNode,
  type Preparation,
  type Subscription,
} from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { toErrorPayload } from "../../shared/errors";
import { EditFields, ExtendFields } from "./ActionFields";
import {
  ACTION_TITLE,
  actionHeadline,
  editErrors,
  editStart,
  extendErrors,
  toChangeRequest,
  type ActionForm,
  type ActionKind,
  type EditForm,
  type ExtendForm,
} from "./changeRequest";
import { WritesPreview } from "./WritesPreview";

const useStyles = makeStyles({
  bar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  count: { color: tokens.colorNeutralForeground2 },
  surface: { maxWidth: "760px", width: "100%" },
  content: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    maxHeight: "70vh",
    overflowY: "auto",
  },
});

/** "1 of the 2 chosen exemptions needs no change…", or nothing when every one is written. */
function unchangedNote(chosen: number, writes: number): string | null {
  const unchanged = chosen - writes;
  if (unchanged <= 0) return null;
  const verb = unchanged === 1 ? "needs" : "need";
  return `${unchanged} of the ${chosen} chosen exemptions ${verb} no change (already as asked, e.g. no expiry to extend) and ${unchanged === 1 ? "is" : "are"} left as ${unchanged === 1 ? "it is" : "they are"}.`;
}

type Props = {
  /** The exemptions chosen in the list. */
  selected: readonly Exemption[];
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
};

type Step = { at: "form" } | { at: "preview"; preparation: Preparation } | { at: "applying"; applyId: string };

const ICONS: Record<ActionKind, ReactElement> = {
  extend: <CalendarAddRegular />,
  edit: <EditRegular />,
  removeExpiry: <CalendarCancelRegular />,
  delete: <DeleteRegular />,
};

/** Extend, edit, remove the expiry of or delete the selected exemptions: a
 * form, the checks and every PUT and DELETE exactly, then the apply. Memoised:
 * a search keystroke in the register does not render it again. */
export const ExemptionActions = memo(function ExemptionActions({ selected, subscriptions, groups }: Props) {
  const styles = useStyles();
  const [kind, setKind] = useState<ActionKind | null>(null);
  // The exemptions the open action was started on (the selection may change behind the dialog).
  const [targets, setTargets] = useState<readonly Exemption[]>([]);
  const open = (k: ActionKind) => {
    setTargets(selected);
    setKind(k);
  };
  const n = selected.length;
  return (
    <div className={styles.bar} data-testid="exemption-actions">
      <Toolbar aria-label="Actions on the selected exemptions" size="small">
        {(Object.keys(ACTION_TITLE) as ActionKind[]).map((k) => (
          <ToolbarButton key={k} icon={ICONS[k]} disabled={n === 0} onClick={() => open(k)}>
            {ACTION_TITLE[k]}
          </ToolbarButton>
        ))}
      </Toolbar>
      <Caption1 className={styles.count} aria-live="polite">
        {n === 0 ? "Select exemptions to extend, edit or delete them." : `${n} selected`}
      </Caption1>
      {kind ? (
        <ActionDialog
          kind={kind}
          targets={targets}
          subscriptions={subscriptions}
          groups={groups}
          onClose={() => setKind(null)}
        />
      ) : null}
    </div>
  );
});

type DialogProps = {
  kind: ActionKind;
  targets: readonly Exemption[];
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
  onClose: () => void;
};

function ActionDialog({ kind, targets, subscriptions, groups, onClose }: DialogProps) {
  const styles = useStyles();
  const [step, setStep] = useState<Step>({ at: "form" });
  const [extend, setExtend] = useState<ExtendForm>({ mode: "by", date: "", days: "30" });
  const [start] = useState<EditForm>(() => editStart(targets));
  const [edit, setEdit] = useState<EditForm>(start);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const action: ActionForm =
    kind === "extend" ? { kind, form: extend } : kind === "edit" ? { kind, form: edit, start } : { kind };
  const request = toChangeRequest(
    targets.map((t) => t.id),
    action,
  );
  const errors = kind === "extend" ? extendErrors(extend) : kind === "edit" ? editErrors(edit, start) : {};

  const preview = async () => {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      setStep({ at: "preview", preparation: await commands.prepareExemptionChange(request) });
    } catch (e) {
      setError(toErrorPayload(e));
    } finally {
      setBusy(false);
    }
  };
  const apply = async (planId: string) => {
    setBusy(true);
    setError(null);
    try {
      setStep({ at: "applying", applyId: await applyStore.start(planId) });
    } catch (e) {
      setError(toErrorPayload(e));
    } finally {
      setBusy(false);
    }
  };

  const headline = actionHeadline(kind, targets.length);
  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => (d.open ? undefined : onClose())}>
      <DialogSurface className={styles.surface} aria-label={headline}>
        <DialogBody>
          <DialogTitle>{headline}</DialogTitle>
          <DialogContent className={styles.content}>
            {step.at === "form" ? (
              <>
                {kind === "extend" ? <ExtendFields form={extend} errors={errors} onChange={setExtend} /> : null}
                {kind === "edit" ? (
                  <EditFields form={edit} errors={errors} many={targets.length > 1} onChange={setEdit} />
                ) : null}
                {kind === "removeExpiry" ? (
                  <Caption1>
                    Each one will never expire. The preview shows every write before anything is sent.
                  </Caption1>
                ) : null}
                {kind === "delete" ? (
                  <Caption1>
                    Each one will be deleted from Azure; the recommendation applies again to what it exempted. The
                    preview shows every DELETE before anything is sent.
                  </Caption1>
                ) : null}
              </>
            ) : null}
            {step.at === "preview" ? (
              <PreviewStep
                preparation={step.preparation}
                chosen={targets.length}
                subscriptions={subscriptions}
                groups={groups}
              />
            ) : null}
            {step.at === "applying" ? (
              <ApplyProgressView
                applyId={step.applyId}
                subscriptions={subscriptions}
                groups={groups}
                onAnother={onClose}
              />
            ) : null}
            {error ? <ErrorBar error={error} /> : null}
          </DialogContent>
          <DialogActions>
            {step.at === "form" ? (
              <Button appearance="primary" disabled={!request || busy} onClick={() => void preview()}>
                {busy ? <Spinner size="extra-tiny" /> : null} Preview
              </Button>
            ) : null}
            {step.at === "preview" ? (
              <>
                <Button icon={<ArrowLeftRegular />} onClick={() => setStep({ at: "form" })}>
                  Back
                </Button>
                <Button
                  appearance="primary"
                  icon={<SendRegular />}
                  disabled={step.preparation.blocked || busy}
                  onClick={() => void apply(step.preparation.planId)}
                >
                  {`Send ${step.preparation.writes.length} write${step.preparation.writes.length === 1 ? "" : "s"}`}
                </Button>
              </>
            ) : null}
            <Button onClick={onClose}>{step.at === "applying" ? "Close" : "Cancel"}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function PreviewStep({
  preparation,
  chosen,
  subscriptions,
  groups,
}: {
  preparation: Preparation;
  /** How many exemptions were chosen; those without a write need no change. */
  chosen: number;
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
}) {
  const note = unchangedNote(chosen, preparation.writes.length);
  return (
    <WritesPreview preparation={preparation} subscriptions={subscriptions} groups={groups} testIdPrefix="change">
      <Caption1>
        Just before sending, each exemption is read again; one changed in Azure since this preview is not overwritten
        and is reported with what changed.
      </Caption1>
      {note ? <Caption1 data-testid="unchanged-note">{note}</Caption1> : null}
    </WritesPreview>
  );
}
