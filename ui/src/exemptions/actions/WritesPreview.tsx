import { Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { CheckRow } from "../../exempt/checks/CheckRow";
import { PreviewWrite } from "../../exempt/preview/PreviewWrite";
import type { ManagementGroupNode, Preparation, Subscription } from "../../ipc/bindings";
import { describeScope } from "../../shared/scopeNames";
import { ChangeWrite } from "./ChangeWrite";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

type Props = {
  preparation: Preparation;
  subscriptions: readonly Subscription[];
  groups?: ManagementGroupNode | null;
  /** The sections' test ids: `<testIdPrefix>-checks` and `<testIdPrefix>-preview`. */
  testIdPrefix: string;
  /** Said under the writes' heading, before the writes. */
  children?: ReactNode;
};

/** The checks of a prepared change or import, then every write exactly as it
 * will be sent: a change to an exemption as read (PUT or DELETE) or a new one. */
export function WritesPreview({ preparation, subscriptions, groups, testIdPrefix, children }: Props) {
  const styles = useStyles();
  const scope = (s: string) => describeScope(s, subscriptions, groups);
  return (
    <>
      <section className={styles.section} aria-label="Checks" data-testid={`${testIdPrefix}-checks`}>
        <Subtitle2 as="h3">Checks</Subtitle2>
        {preparation.checks.map((c) => (
          <CheckRow key={`${c.kind}-${c.title}`} check={c} onGrant={() => undefined} />
        ))}
      </section>
      <section className={styles.section} aria-label="Preview" data-testid={`${testIdPrefix}-preview`}>
        <Subtitle2 as="h3">
          {preparation.writes.length === 0
            ? "Nothing to send"
            : `Every request, exactly as it will be sent (${preparation.writes.length})`}
        </Subtitle2>
        {children}
        {preparation.writes.map((w) =>
          w.asRead ? (
            <ChangeWrite key={w.path} write={w} scope={scope(w.scope)} />
          ) : (
            <PreviewWrite key={w.path} write={w} scope={scope(w.scope)} />
          ),
        )}
      </section>
    </>
  );
}
