import { Badge, Caption1, Text, makeStyles, tokens, type BadgeProps, mergeClasses } from "@fluentui/react-components";
import type { ApplyItem, ItemState } from "../ipc/bindings";
import type { ScopeDescription } from "../shared/scopeNames";

/** Scope, initiative, state: shared with the header row above the list. */
export const ITEM_COLUMNS = "minmax(0, 1fr) minmax(0, 1fr) 6.5rem";

const useStyles = makeStyles({
  root: {
    display: "grid",
    gridTemplateColumns: ITEM_COLUMNS,
    alignItems: "center",
    columnGap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    minHeight: "48px",
    boxSizing: "border-box",
  },
  text: { display: "flex", flexDirection: "column", minWidth: 0 },
  line: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  sub: { color: tokens.colorNeutralForeground3 },
  initiative: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap", minWidth: 0 },
  state: { justifySelf: "end" },
  message: { color: tokens.colorPaletteRedForeground1, overflowWrap: "anywhere" },
  retrying: { color: tokens.colorPaletteMarigoldForeground1, overflowWrap: "anywhere" },
  note: { color: tokens.colorNeutralForeground2, overflowWrap: "anywhere" },
});

/** A failure reads as one; a retry or a change in Azure as a warning; a success's note as a note. */
function messageStyle(state: ItemState, styles: ReturnType<typeof useStyles>) {
  if (state === "Retrying" || state === "Changed") return styles.retrying;
  if (state === "Succeeded") return styles.note;
  return styles.message;
}

const BADGE: Record<ItemState, { color: BadgeProps["color"]; text: string }> = {
  Planned: { color: "informative", text: "Planned" },
  Sending: { color: "brand", text: "Sending" },
  Retrying: { color: "warning", text: "Retrying" },
  Succeeded: { color: "success", text: "Succeeded" },
  Failed: { color: "danger", text: "Failed" },
  Cancelled: { color: "subtle", text: "Cancelled" },
  Changed: { color: "warning", text: "Changed in Azure" },
};

/** A retry names its attempt once: the backend's message already starts
 * "Attempt 3 failed: …"; a message that does not is given that start. */
export function retryMessage(item: Pick<ApplyItem, "state" | "attempts" | "message">): string {
  const message = item.message ?? "";
  if (item.state !== "Retrying" || /^Attempt \d+ failed/.test(message)) return message;
  return `Attempt ${item.attempts} failed: ${message}`;
}

export function ApplyItemRow({ item, scope }: { item: ApplyItem; scope: ScopeDescription }) {
  const styles = useStyles();
  const badge = BADGE[item.state];
  return (
    <div className={styles.root} data-testid="apply-item" data-state={item.state} data-path={item.write.path}>
      <div className={styles.text}>
        <Text className={styles.line} weight="semibold" title={item.write.path}>
          {scope.name}
        </Text>
        <Caption1 className={mergeClasses(styles.line, styles.sub)}>{scope.where}</Caption1>
        {item.message ? <Caption1 className={messageStyle(item.state, styles)}>{retryMessage(item)}</Caption1> : null}
      </div>
      <Text className={styles.initiative} data-testid="apply-item-initiative" title={item.write.policyAssignmentId}>
        {item.write.initiativeName}
      </Text>
      <Badge
        className={styles.state}
        appearance={item.state === "Planned" ? "outline" : "filled"}
        color={badge.color}
        shape="rounded"
      >
        {badge.text}
      </Badge>
    </div>
  );
}
