import { Button, makeStyles, tokens } from "@fluentui/react-components";
import { CheckmarkRegular, ChevronDownRegular, ChevronRightRegular, CopyRegular } from "@fluentui/react-icons";
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
  toggle: { alignSelf: "flex-start" },
});

/** A write's request body behind a "JSON body" disclosure, closed at first. */
export function WriteBody({ body, path }: { body: unknown; path: string }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        className={styles.toggle}
        size="small"
        appearance="transparent"
        icon={open ? <ChevronDownRegular /> : <ChevronRightRegular />}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        JSON body
      </Button>
      {open ? <JsonBody body={body} label={`Request body for ${path}`} /> : null}
    </>
  );
}

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
