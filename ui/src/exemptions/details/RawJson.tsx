import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Caption1,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular } from "@fluentui/react-icons";
import { useState } from "react";
import type { DetailProperty } from "../../ipc/bindings";
import { indented } from "./detailsText";

const useStyles = makeStyles({
  pre: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    maxHeight: "420px",
    overflowY: "auto",
  },
  bar: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, marginBottom: tokens.spacingVerticalS },
  table: { borderCollapse: "collapse", width: "100%", fontSize: tokens.fontSizeBase200 },
  cell: {
    textAlign: "left",
    verticalAlign: "top",
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    overflowWrap: "anywhere",
  },
  path: { fontFamily: tokens.fontFamilyMonospace, width: "45%" },
});

/** Every property, and the JSON exactly as Azure returned it (copyable), each in a disclosure. */
export function RawJson({ raw, properties }: { raw: string; properties: readonly DetailProperty[] }) {
  const styles = useStyles();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () => {
    navigator.clipboard
      .writeText(raw)
      .then(() => setCopied("yes"))
      .catch(() => setCopied("failed"));
  };
  return (
    <Accordion collapsible multiple>
      <AccordionItem value="properties">
        <AccordionHeader>{`Every property (${properties.length})`}</AccordionHeader>
        <AccordionPanel>
          <table className={styles.table} aria-label="Every property">
            <thead>
              <tr>
                <th className={styles.cell} scope="col">
                  Property
                </th>
                <th className={styles.cell} scope="col">
                  Value
                </th>
              </tr>
            </thead>
            <tbody>
              {properties.map((p) => (
                <tr key={p.path}>
                  <td className={`${styles.cell} ${styles.path}`}>{p.path}</td>
                  <td className={styles.cell}>{p.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </AccordionPanel>
      </AccordionItem>
      <AccordionItem value="json">
        <AccordionHeader>JSON as Azure returned it</AccordionHeader>
        <AccordionPanel>
          <div className={styles.bar}>
            <Button size="small" icon={<CopyRegular />} onClick={copy}>
              Copy JSON
            </Button>
            <Caption1 aria-live="polite">
              {copied === "yes" ? "Copied." : copied === "failed" ? "Couldn't copy; select the text instead." : ""}
            </Caption1>
          </div>
          <pre className={styles.pre} tabIndex={0} aria-label="JSON as Azure returned it" data-testid="raw-json">
            {indented(raw)}
          </pre>
        </AccordionPanel>
      </AccordionItem>
    </Accordion>
  );
}
