import { Link, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { OpenRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { commands } from "../ipc/bindings";
import { toErrorPayload } from "../shared/errors";
import { isWebLink } from "./requestRules";

const useStyles = makeStyles({
  root: { overflowWrap: "anywhere" },
  link: { color: tokens.colorBrandForegroundLink, fontFamily: tokens.fontFamilyMonospace },
  open: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere", textAlign: "start" },
  icon: { verticalAlign: "middle", marginInlineStart: tokens.spacingHorizontalXXS },
  error: { display: "block", color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
});

type Props = {
  ticket: string | null;
  /** The request whose ticket this is: a web link then opens in the browser. */
  requestId?: string;
  className?: string;
};

/** A ticket reference or link. With `requestId`, a web link opens in the
 * system browser: the window names the request, and the backend opens the
 * address stored with it (an http or https page, without credentials). */
export function TicketText({ ticket, requestId, className }: Props) {
  const styles = useStyles();
  const [error, setError] = useState<string | null>(null);
  if (!ticket) return <span className={className}>—</span>;
  const link = isWebLink(ticket);
  if (link && requestId) {
    const open = () => {
      setError(null);
      commands.openRequestTicket(requestId).catch((e: unknown) => setError(toErrorPayload(e).message));
    };
    return (
      <span className={className}>
        <Link as="button" className={styles.open} onClick={open} title={`Open ${ticket} in your browser`}>
          {ticket}
          <OpenRegular className={styles.icon} aria-label="opens in your browser" />
        </Link>
        {error ? (
          <span className={styles.error} role="alert">
            {error}
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <span
      className={mergeClasses(styles.root, link ? styles.link : undefined, className)}
      title={link ? `${ticket} (open the request to follow it)` : ticket}
      data-link={link ? "true" : undefined}
    >
      {ticket}
    </span>
  );
}
