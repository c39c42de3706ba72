import { makeStyles, mergeClasses } from "@fluentui/react-components";
import type { ReactNode } from "react";

const useStyles = makeStyles({
  root: {
    display: "block",
    minWidth: 0,
    maxWidth: "100%",
    overflow: "hidden",
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
  },
});

/** One line of text cut with an ellipsis when it doesn't fit; the full text is
 * in the tooltip (`title`). Its container must give it a definite width (e.g. a
 * cell of a fixed-layout table). */
export function Truncated({
  text,
  title = text,
  className,
  children,
}: {
  text: string;
  title?: string;
  className?: string;
  children?: ReactNode;
}) {
  const styles = useStyles();
  return (
    <span className={mergeClasses(styles.root, className)} title={title}>
      {children ?? text}
    </span>
  );
}
