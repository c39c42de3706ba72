import {
  Caption1,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Toolbar,
  ToolbarButton,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular, ArrowUploadRegular, DocumentRegular } from "@fluentui/react-icons";
import { memo, useState } from "react";
import {
  commands,
  type ErrorPayload,
  type ExportFormat,
  type ManagementGroupNode,
  type RegisterEntry,
  type Subscription,
} from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { toErrorPayload } from "../../shared/errors";
import { ImportDialog } from "./ImportDialog";

const useStyles = makeStyles({
  bar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  saved: { color: tokens.colorNeutralForeground2, overflowWrap: "anywhere" },
});

type Props = {
  /** The register's rows as shown (filtered and sorted): what Export writes. */
  entries: readonly RegisterEntry[];
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
};

/** Export what the register shows (CSV or JSON), save an empty import
 * template, and import a CSV. The native save dialog opens from the backend.
 * Memoised: a keystroke renders it again only once the rows shown change. */
export const TransferButtons = memo(function TransferButtons({ entries, subscriptions, groups }: Props) {
  const styles = useStyles();
  const [importing, setImporting] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const save = async (work: () => Promise<string | null>) => {
    setError(null);
    setSaved(null);
    try {
      const path = await work();
      if (path !== null) setSaved(path);
    } catch (e) {
      setError(toErrorPayload(e));
    }
  };
  const exportAs = (format: ExportFormat) =>
    save(() => commands.exportRegister([...entries], format, -new Date().getTimezoneOffset() + 0));
  const n = entries.length;
  return (
    <div className={styles.bar}>
      <Toolbar aria-label="Export and import" size="small">
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <ToolbarButton icon={<ArrowDownloadRegular />} data-testid="export-menu">
              Export
            </ToolbarButton>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem disabled={n === 0} onClick={() => void exportAs("csv")}>
                {`The ${n} shown as CSV (Excel)`}
              </MenuItem>
              <MenuItem disabled={n === 0} onClick={() => void exportAs("json")}>
                {`The ${n} shown as JSON`}
              </MenuItem>
              <MenuItem icon={<DocumentRegular />} onClick={() => void save(() => commands.saveImportTemplate())}>
                An empty import template (CSV)
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
        <ToolbarButton icon={<ArrowUploadRegular />} onClick={() => setImporting(true)} data-testid="import-open">
          Import…
        </ToolbarButton>
      </Toolbar>
      {saved ? (
        <Caption1 className={styles.saved} aria-live="polite" data-testid="export-saved">{`Saved ${saved}`}</Caption1>
      ) : null}
      {error ? <ErrorBar error={error} /> : null}
      {importing ? (
        <ImportDialog subscriptions={subscriptions} groups={groups} onClose={() => setImporting(false)} />
      ) : null}
    </div>
  );
});
