import {
  Badge,
  Body1,
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  OverlayDrawer,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
  useId,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { ExpiryState, RegisterEntry } from "../../ipc/bindings";
import { queries, queryError } from "../../ipc/queries";
import { categoryLabel } from "../../shared/categoryLabel";
import { ErrorBar } from "../../shared/ErrorBar";
import { formatExpiry } from "../../shared/formatDate";
import { AuditEntries } from "./AuditEntries";
import { CoveredResources } from "./CoveredResources";
import { LEVEL_LABELS, expiryStateText, recommendationsText, whoWhen } from "./detailsText";
import { RawJson } from "./RawJson";

const useStyles = makeStyles({
  title: { overflowWrap: "anywhere" },
  body: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    paddingBottom: tokens.spacingVerticalXL,
  },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  heading: { margin: 0 },
  summary: {
    display: "grid",
    gridTemplateColumns: "minmax(120px, max-content) minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: "anywhere" },
  description: {
    margin: 0,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

const STATE_COLORS: Record<ExpiryState["kind"], "success" | "warning" | "danger" | "informative"> = {
  never: "informative",
  active: "success",
  expiresSoon: "warning",
  expired: "danger",
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  const id = useId("section");
  return (
    <section className={styles.section} aria-labelledby={id}>
      <Subtitle2 as="h3" id={id} className={styles.heading}>
        {title}
      </Subtitle2>
      {children}
    </section>
  );
}

/** One exemption in detail: what it exempts and where, who made and approved
 * it, its whole description, the resources it covers and whether Defender
 * shows them exempt yet, what Exemption Desk did to it, and the JSON as Azure
 * returned it. Escape or Close closes it. */
export function ExemptionDetailsDrawer({ entry, onClose }: { entry: RegisterEntry; onClose: () => void }) {
  const styles = useStyles();
  const titleId = useId("exemption-title");
  const e = entry.exemption;
  const details = useQuery(queries.exemptionDetails(e.id));
  const failure = queryError(details.error);
  const rows: [string, ReactNode][] = [
    [entry.recommendations.length > 1 ? "Recommendations" : "Recommendation", recommendationsText(entry)],
    ["Scope", `${entry.scopeName} (${LEVEL_LABELS[entry.level].toLowerCase()})`],
    ["Initiative", entry.initiativeName ?? "Unknown"],
    ["Category", categoryLabel(e.category)],
    [
      "Expires",
      <>
        {formatExpiry(e.expiresOn)}{" "}
        <Badge appearance="tint" color={STATE_COLORS[entry.expiry.kind]}>
          {expiryStateText(entry.expiry)}
        </Badge>
      </>,
    ],
    ["Created", whoWhen(entry.createdBy, entry.createdAt)],
    ["Last modified", whoWhen(entry.lastModifiedBy, entry.lastModifiedAt)],
    ["Requested by", entry.requestedBy ?? "Not recorded"],
    ["Approved by", entry.approvedBy ?? "Not recorded"],
    ["Ticket", entry.ticket ?? "None"],
    ["Name", e.name],
  ];
  return (
    <OverlayDrawer
      position="end"
      size="large"
      open
      onOpenChange={(_, data) => {
        if (!data.open) onClose();
      }}
      aria-labelledby={titleId}
      data-testid="exemption-details"
    >
      <DrawerHeader>
        <DrawerHeaderTitle
          className={styles.title}
          heading={{ id: titleId }}
          action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}
        >
          {e.displayName || e.name}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody className={styles.body}>
        <Section title="Summary">
          <dl className={styles.summary}>
            {rows.map(([term, value]) => (
              <div key={term} style={{ display: "contents" }}>
                <dt className={styles.term}>{term}</dt>
                <dd className={styles.value}>{value}</dd>
              </div>
            ))}
          </dl>
        </Section>
        <Section title="Description">
          {/* In full and focusable, so the keyboard and a screen reader reach all of it. */}
          <Body1 as="p" className={styles.description} tabIndex={0} data-testid="exemption-description">
            {e.description?.trim() ? e.description : "No description."}
          </Body1>
        </Section>
        {failure ? (
          <ErrorBar
            error={failure}
            title="Couldn't read this exemption from Azure"
            onRetry={() => void details.refetch()}
          />
        ) : !details.data ? (
          <Spinner size="tiny" label="Reading the exemption from Azure…" labelPosition="after" />
        ) : (
          <>
            <Section title="Resources it covers">
              {details.data.coverage ? (
                <CoveredResources coverage={details.data.coverage} />
              ) : (
                <Body1 className={styles.muted}>Azure no longer has this exemption.</Body1>
              )}
            </Section>
            <Section title="What Exemption Desk did">
              <AuditEntries entries={details.data.audit} />
            </Section>
            {details.data.rawJson !== null ? (
              <Section title="As Azure returned it">
                <RawJson raw={details.data.rawJson} properties={details.data.properties} />
              </Section>
            ) : null}
          </>
        )}
      </DrawerBody>
    </OverlayDrawer>
  );
}
