import { Body1, Button, Caption1, Text, makeStyles, tokens, mergeClasses } from "@fluentui/react-components";
import {
  CheckmarkCircleFilled,
  DismissCircleFilled,
  KeyRegular,
  SubtractCircleRegular,
  WarningFilled,
} from "@fluentui/react-icons";
import type { ReactElement } from "react";
import type { Check, CheckStatus } from "../../ipc/bindings";
import { useManagementGroups, useSubscriptions } from "../../ipc/queries";
import { nameScopesIn } from "../../shared/scopeNames";

const useStyles = makeStyles({
  root: { display: "grid", gridTemplateColumns: "20px 1fr", columnGap: tokens.spacingHorizontalS, alignItems: "start" },
  icon: { fontSize: "20px", display: "flex", paddingTop: "1px" },
  Passed: { color: tokens.colorPaletteGreenForeground1 },
  Warning: { color: tokens.colorPaletteMarigoldForeground1 },
  Failed: { color: tokens.colorPaletteRedForeground1 },
  NotApplicable: { color: tokens.colorNeutralForeground4 },
  body: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, minWidth: 0 },
  detail: { color: tokens.colorNeutralForeground2, overflowWrap: "anywhere" },
  remedy: { color: tokens.colorNeutralForeground1, overflowWrap: "anywhere" },
  action: { alignSelf: "flex-start", marginTop: tokens.spacingVerticalXS },
});

const ICONS: Record<CheckStatus, ReactElement> = {
  Passed: <CheckmarkCircleFilled />,
  Warning: <WarningFilled />,
  Failed: <DismissCircleFilled />,
  NotApplicable: <SubtractCircleRegular />,
};

export const STATUS_TEXT: Record<CheckStatus, string> = {
  Passed: "Passed",
  Warning: "Warning",
  Failed: "Failed",
  NotApplicable: "Not applicable",
};

type Props = { check: Check; onGrant: (managementGroup: string) => void };

export function CheckRow({ check, onGrant }: Props) {
  const styles = useStyles();
  // Scopes by name, never a raw ARM path (the path stays in the tooltip).
  const subscriptions = useSubscriptions();
  const groups = useManagementGroups();
  const detail = nameScopesIn(check.detail, subscriptions.data ?? [], groups.data);
  return (
    <li className={styles.root} data-testid="check" data-check-kind={check.kind} data-check-status={check.status}>
      <span
        className={mergeClasses(styles.icon, styles[check.status])}
        role="img"
        aria-label={STATUS_TEXT[check.status]}
      >
        {ICONS[check.status]}
      </span>
      <div className={styles.body}>
        <Text weight="semibold">{check.title}</Text>
        {check.detail ? (
          <Body1 className={styles.detail} title={detail === check.detail ? undefined : check.detail}>
            {detail}
          </Body1>
        ) : null}
        {check.remedy ? <Caption1 className={styles.remedy}>What to do: {check.remedy}</Caption1> : null}
        {check.grantSecurityReaderAt ? (
          <Button
            className={styles.action}
            size="small"
            icon={<KeyRegular />}
            onClick={() => onGrant(check.grantSecurityReaderAt!)}
          >
            Grant Reader to Defender for Cloud
          </Button>
        ) : null}
      </div>
    </li>
  );
}
