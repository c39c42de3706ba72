import {
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, PersonArrowRightRegular, SendRegular } from "@fluentui/react-icons";
import type { ErrorPayload, ManagementGroupNode, Preparation, Subscription } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { describeScope } from "../../shared/scopeNames";
import { VirtualList } from "../../shared/VirtualList";
import { fanOut, fanOutDetail, fanOutHeadline } from "../fanOut";
import { PreviewWrite } from "./PreviewWrite";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  note: { color: tokens.colorNeutralForeground2 },
  footer: {
    position: "sticky",
    bottom: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} 0`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  buttons: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
});

type Props = {
  preparation: Preparation;
  subscriptions: readonly Subscription[];
  groups: ManagementGroupNode | null | undefined;
  starting: boolean;
  startError: ErrorPayload | null;
  onConfirm: () => void;
  /** Ask an approver instead of writing (offered beside Create). */
  onRequest?: () => void;
  onBack: () => void;
};

/** Every write the plan holds, exactly; nothing is sent until "Create N exemptions". */
export function PreviewSection(props: Props) {
  const { preparation, subscriptions, groups, starting, startError, onConfirm, onRequest, onBack } = props;
  const styles = useStyles();
  const n = preparation.writes.length;
  const updates = preparation.writes.filter((w) => w.replacesExisting).length;
  const planned = fanOut(preparation.writes);
  return (
    <section className={styles.root} data-testid="preview" aria-label="Preview">
      <Subtitle2 as="h3">
        {n} exemption{n === 1 ? "" : "s"} will be written
      </Subtitle2>
      <Caption1 className={styles.note} data-testid="preview-fan-out">
        {fanOutHeadline(planned)}: {fanOutDetail(planned)}
      </Caption1>
      <Caption1 className={styles.note}>
        Nothing has been sent yet. Each write below is sent exactly as shown
        {updates > 0 ? `; ${updates} replace${updates === 1 ? "s an exemption" : " exemptions"} of the same name` : ""}.
      </Caption1>
      {preparation.blocked ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            {preparation.planError?.message ?? "A check failed: fix it before creating anything."}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <VirtualList
        aria-label="Writes"
        items={preparation.writes}
        itemKey={(w, i) => `${i}:${w.path}`}
        estimate={170}
        maxHeight="56vh"
        render={(w) => <PreviewWrite write={w} scope={describeScope(w.scope, subscriptions, groups)} />}
      />
      <div className={styles.footer}>
        {startError ? <ErrorBar error={startError} title="Couldn't start creating the exemptions" /> : null}
        <div className={styles.buttons}>
          <Button
            appearance="primary"
            icon={<SendRegular />}
            disabled={preparation.blocked || n === 0 || starting}
            onClick={onConfirm}
          >
            Create {n} exemption{n === 1 ? "" : "s"}
          </Button>
          {onRequest ? (
            <Button icon={<PersonArrowRightRegular />} onClick={onRequest} disabled={starting || n === 0}>
              Request approval
            </Button>
          ) : null}
          <Button icon={<ArrowLeftRegular />} onClick={onBack} disabled={starting}>
            Back to the form
          </Button>
          {starting ? <Spinner size="tiny" label="Starting…" labelPosition="after" /> : null}
        </div>
      </div>
    </section>
  );
}
