import { Button, makeStyles, tokens } from "@fluentui/react-components";
import { CheckmarkRegular, CopyRegular } from "@fluentui/react-icons";
import { useState } from "react";

const useStyles = makeStyles({
  root: { position: "relative" },
  pre: {
    margin: 0,
    padding: tokens.spacingHorizontalM,
    paddingRight: "88px",
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    overflowX: "auto",
    whiteSpace: "pre",
  },
  copy: { position: "absolute", top: tokens.spacingVerticalXS, right: tokens.spacingHorizontalXS },
});

/** A request body exactly as it will be sent, with a Copy button. */
export function JsonBody({ body, label }: { body: unknown; label: string }) {
  const styles = useStyles();
  const text = JSON.stringify(body, null, 2);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className={styles.root}>
      <pre className={styles.pre} aria-label={label} data-testid="write-json" tabIndex={0}>
        {text}
      </pre>
      <Button
        className={styles.copy}
        size="small"
        appearance="subtle"
        icon={copied ? <CheckmarkRegular /> : <CopyRegular />}
        onClick={copy}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
