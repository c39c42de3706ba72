import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { isWebLink } from "./requestRules";

const useStyles = makeStyles({
  root: { overflowWrap: "anywhere" },
  link: { color: tokens.colorBrandForegroundLink, fontFamily: tokens.fontFamilyMonospace },
});

/** A ticket reference or link. The app has no safe way to open a web page from
 * the window, so a link is shown as selectable text, marked as a link, never followed. */
export function TicketText({ ticket, className }: { ticket: string | null; className?: string }) {
  const styles = useStyles();
  if (!ticket) return <span className={className}>—</span>;
  const link = isWebLink(ticket);
  return (
    <span
      className={mergeClasses(styles.root, link ? styles.link : undefined, className)}
      title={link ? `${ticket} (copy it into your browser)` : ticket}
      data-link={link ? "true" : undefined}
    >
      {ticket}
    </span>
  );
}
