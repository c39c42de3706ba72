import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Caption1,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular, FolderOpenRegular, SearchRegular } from "@fluentui/react-icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { commands, type BundledLicense } from "../ipc/bindings";
import { queries, queryError } from "../ipc/queries";
import { ErrorBar } from "../shared/ErrorBar";
import { toErrorPayload } from "../shared/errors";
import { settingsSection } from "./sectionStyle";

const useStyles = makeStyles({
  section: settingsSection,
  actions: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
  muted: { color: tokens.colorNeutralForeground3 },
  list: {
    maxHeight: "320px",
    overflowY: "auto",
    margin: 0,
    padding: 0,
    listStyleType: "none",
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXXS,
  },
  row: { display: "flex", justifyContent: "space-between", gap: tokens.spacingHorizontalM },
  license: { color: tokens.colorNeutralForeground2, textAlign: "end" },
});

/** Settings' About: the version, the logs folder, diagnostics to copy, and the
 * licenses of everything bundled (listed when the app was built). */
export function AboutSection() {
  const styles = useStyles();
  const about = useQuery(queries.about());
  const openLogs = useMutation({ mutationFn: () => commands.openLogsFolder() });
  // Read ahead: WebKit refuses a clipboard write that does not happen at once in the click.
  const diagnostics = useQuery(queries.diagnostics());
  const copy = useMutation({
    mutationFn: async (text: string) => {
      await navigator.clipboard.writeText(text);
      void diagnostics.refetch();
    },
  });
  return (
    <section className={styles.section} aria-labelledby="settings-about">
      <Subtitle2 as="h3" id="settings-about">
        About Exemption Desk
      </Subtitle2>
      {about.isPending ? <Spinner size="tiny" label="Loading…" /> : null}
      {about.error ? <ErrorBar error={queryError(about.error)!} title="Couldn't read the version" /> : null}
      {about.data ? <Text>Version {about.data.version}</Text> : null}
      <Caption1 className={styles.muted}>
        For a support request: copy the diagnostics (version, OS, web view, cloud, tenant and mode; no account, token or
        secret) and attach the log files.
      </Caption1>
      <div className={styles.actions}>
        <Button icon={<FolderOpenRegular />} onClick={() => openLogs.mutate()} disabled={openLogs.isPending}>
          Open logs folder
        </Button>
        <Button
          icon={<CopyRegular />}
          onClick={() => diagnostics.data && copy.mutate(diagnostics.data)}
          disabled={copy.isPending || !diagnostics.data}
        >
          Copy diagnostics
        </Button>
        {copy.isSuccess ? (
          <MessageBar intent="success" data-testid="diagnostics-copied">
            <MessageBarBody>Diagnostics copied.</MessageBarBody>
          </MessageBar>
        ) : null}
      </div>
      {openLogs.error ? (
        <ErrorBar error={toErrorPayload(openLogs.error)} title="Couldn't open the logs folder" />
      ) : null}
      {copy.error ? <ErrorBar error={toErrorPayload(copy.error)} title="Couldn't copy the diagnostics" /> : null}
      {diagnostics.error ? (
        <ErrorBar error={queryError(diagnostics.error)!} title="Couldn't gather the diagnostics" />
      ) : null}
      {about.data ? <Licenses licenses={about.data.licenses} /> : null}
    </section>
  );
}

function Licenses({ licenses }: { licenses: BundledLicense[] }) {
  const styles = useStyles();
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle) return licenses;
    return licenses.filter((l) => l.name.toLowerCase().includes(needle) || l.license.toLowerCase().includes(needle));
  }, [licenses, filter]);
  return (
    <Accordion collapsible>
      <AccordionItem value="licenses">
        <AccordionHeader>{`Licenses of bundled software (${licenses.length})`}</AccordionHeader>
        <AccordionPanel>
          <Input
            aria-label="Filter licenses"
            placeholder="Filter by name or license"
            contentBefore={<SearchRegular />}
            value={filter}
            onChange={(_, d) => setFilter(d.value)}
          />
          <ul className={styles.list} aria-label="Bundled software and licenses">
            {shown.map((l) => (
              <li key={`${l.source}:${l.name}@${l.version}`} className={styles.row}>
                <span>
                  {l.name} {l.version}
                  <Caption1 className={styles.muted}>{l.source === "npm" ? " (npm)" : " (crate)"}</Caption1>
                </span>
                <span className={styles.license}>{l.license}</span>
              </li>
            ))}
          </ul>
        </AccordionPanel>
      </AccordionItem>
    </Accordion>
  );
}
