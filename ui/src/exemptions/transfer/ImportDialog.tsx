import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, DocumentArrowUpRegular, SendRegular } from "@fluentui/react-icons";
import { useState, type DragEvent } from "react";
import { ApplyProgressView } from "../../apply/ApplyProgressView";
import { applyStore } from "../../apply/applyStore";
import {
  commands,
  type ErrorPayload,
  type ImportPreparation,
  type ImportSource,
  type ManagementGroupNode,
  type Subscription,
} from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { toErrorPayload } from "../../shared/errors";
import { WritesPreview } from "../actions/WritesPreview";
import { ImportReportTable } from "./ImportReportTable";
import { errorPlace, fileSource, importSummary, invalidRows, pastedSource, reportLines } from "./importView";

const useStyles = makeStyles({
  surface: { maxWidth: "960px", width: "100%" },
  content: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    maxHeight: "70vh",
    overflowY: "auto",
  },
  drop: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`,
  },
  dropping: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}` },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

type Step =
  | { at: "choose" }
  | { at: "report"; prepared: ImportPreparation }
  | { at: "preview"; prepared: ImportPreparation }
  | { at: "applying"; applyId: string };

type Props = {
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
  onClose: () => void;
};

/** The user's offset from UTC in minutes, east positive, as the backend reads dates. */
const utcOffsetMinutes = () => -new Date().getTimezoneOffset() + 0;

/** Import a CSV: choose, drop or paste the file; every row checked, with
 * errors by row and column; rows excluded; then the checks, every write
 * exactly, and the journalled apply. */
export function ImportDialog({ subscriptions, groups, onClose }: Props) {
  const styles = useStyles();
  const [step, setStep] = useState<Step>({ at: "choose" });
  const [source, setSource] = useState<ImportSource | null>(null);
  const [excluded, setExcluded] = useState<ReadonlySet<number>>(new Set());
  const [pasted, setPasted] = useState("");
  const [dropping, setDropping] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toErrorPayload(e));
    } finally {
      setBusy(false);
    }
  };
  const prepare = (from: ImportSource, rows: ReadonlySet<number>) =>
    commands.prepareImport({ source: from, excludedRows: [...rows], utcOffsetMinutes: utcOffsetMinutes() });
  const read = (from: ImportSource) =>
    run(async () => {
      const prepared = await prepare(from, new Set());
      setSource(from);
      setExcluded(new Set());
      setStep({ at: "report", prepared });
    });
  const choose = () =>
    run(async () => {
      const path = await commands.chooseImportFile();
      if (path === null) return;
      const from: ImportSource = { kind: "path", path };
      const prepared = await prepare(from, new Set());
      setSource(from);
      setExcluded(new Set());
      setStep({ at: "report", prepared });
    });
  const check = () =>
    run(async () => {
      if (!source) return;
      const prepared = await prepare(source, excluded);
      setStep({ at: prepared.preparation ? "preview" : "report", prepared });
    });
  const apply = (planId: string) =>
    run(async () => setStep({ at: "applying", applyId: await applyStore.start(planId) }));
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDropping(false);
    const file = e.dataTransfer.files[0];
    if (file) void fileSource(file).then(read);
  };
  const toggle = (row: number, imported: boolean) =>
    setExcluded((set) => {
      const next = new Set(set);
      if (imported) next.delete(row);
      else next.add(row);
      return next;
    });

  const prepared = step.at === "report" || step.at === "preview" ? step.prepared : null;
  const preparation = prepared?.preparation ?? null;
  const withErrors = prepared ? invalidRows(prepared).filter((r) => !excluded.has(r)) : [];
  const fileErrors = prepared?.report.fileErrors ?? [];
  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => (d.open ? undefined : onClose())}>
      <DialogSurface className={styles.surface} aria-label="Import exemptions from a CSV file">
        <DialogBody>
          <DialogTitle>Import exemptions from a CSV file</DialogTitle>
          <DialogContent className={styles.content}>
            {step.at === "choose" ? (
              <>
                <Caption1>
                  Use the export&apos;s columns (save an empty template to start). A row naming an exemption that exists
                  (its scope and name) updates it; any other row creates one. Every row is checked first, and nothing is
                  sent before you see every write.
                </Caption1>
                <div
                  className={dropping ? `${styles.drop} ${styles.dropping}` : styles.drop}
                  data-testid="import-drop"
                  onDragOver={(e) => {
                    e.preventDefault();
                    setDropping(true);
                  }}
                  onDragLeave={() => setDropping(false)}
                  onDrop={onDrop}
                >
                  <div className={styles.row}>
                    <Button
                      appearance="primary"
                      icon={<DocumentArrowUpRegular />}
                      disabled={busy}
                      onClick={() => void choose()}
                    >
                      Choose a file…
                    </Button>
                    <Caption1>or drop a CSV file here.</Caption1>
                  </div>
                  <Textarea
                    aria-label="Or paste the CSV's text"
                    placeholder="Or paste the CSV's text here"
                    value={pasted}
                    resize="vertical"
                    onChange={(_, d) => setPasted(d.value)}
                  />
                  <div className={styles.row}>
                    <Button disabled={busy || pasted.trim() === ""} onClick={() => void read(pastedSource(pasted))}>
                      Read the pasted text
                    </Button>
                    {busy ? <Spinner size="tiny" label="Reading the file…" /> : null}
                  </div>
                </div>
              </>
            ) : null}
            {prepared && fileErrors.length > 0 ? (
              <MessageBar intent="error" data-testid="import-file-errors">
                <MessageBarBody>
                  <MessageBarTitle>The file cannot be imported</MessageBarTitle>
                  {fileErrors.map((e, i) => (
                    <div key={i}>{e.row !== null ? `${errorPlace(e)}: ${e.message}` : e.message}</div>
                  ))}
                </MessageBarBody>
              </MessageBar>
            ) : null}
            {step.at === "report" && fileErrors.length === 0 ? (
              <section className={styles.section} aria-label="Rows">
                <Subtitle2 as="h3" data-testid="import-summary">
                  {importSummary(step.prepared)}
                </Subtitle2>
                {withErrors.length > 0 ? (
                  <div className={styles.row}>
                    <Caption1>
                      {`${withErrors.length} row${withErrors.length === 1 ? " has" : "s have"} errors: correct the file and choose it again, or leave ${withErrors.length === 1 ? "it" : "them"} out.`}
                    </Caption1>
                    <Button
                      size="small"
                      onClick={() => setExcluded((set) => new Set([...set, ...withErrors]))}
                      data-testid="exclude-invalid"
                    >
                      {`Exclude the ${withErrors.length} row${withErrors.length === 1 ? "" : "s"} with errors`}
                    </Button>
                  </div>
                ) : null}
                <ImportReportTable
                  lines={reportLines(step.prepared)}
                  excluded={excluded}
                  onToggle={toggle}
                  disabled={busy}
                />
              </section>
            ) : null}
            {step.at === "preview" && preparation ? (
              <>
                <Subtitle2 as="h3" data-testid="import-summary">
                  {importSummary(step.prepared)}
                </Subtitle2>
                <WritesPreview
                  preparation={preparation}
                  subscriptions={subscriptions}
                  groups={groups}
                  testIdPrefix="import"
                />
              </>
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
            {step.at === "report" ? (
              <>
                <Button icon={<ArrowLeftRegular />} onClick={() => setStep({ at: "choose" })}>
                  Another file
                </Button>
                {fileErrors.length === 0 ? (
                  <Button appearance="primary" disabled={busy} onClick={() => void check()}>
                    {busy ? <Spinner size="extra-tiny" /> : null} Check and preview
                  </Button>
                ) : null}
              </>
            ) : null}
            {step.at === "preview" && preparation ? (
              <>
                <Button icon={<ArrowLeftRegular />} onClick={() => setStep({ at: "report", prepared: step.prepared })}>
                  Back
                </Button>
                <Button
                  appearance="primary"
                  icon={<SendRegular />}
                  disabled={preparation.blocked || busy}
                  onClick={() => void apply(preparation.planId)}
                >
                  {`Send ${preparation.writes.length} write${preparation.writes.length === 1 ? "" : "s"}`}
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
