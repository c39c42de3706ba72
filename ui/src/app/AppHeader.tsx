import {
  Badge,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowSwapRegular,
  DismissRegular,
  PersonCircleRegular,
  ShieldKeyholeFilled,
  WarningFilled,
} from "@fluentui/react-icons";
import { useState } from "react";
import { toErrorPayload } from "../shared/errors";
import { useSession } from "../ipc/queries";

const useStyles = makeStyles({
  root: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    height: "48px",
    padding: `0 ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, fontSize: "20px", flexShrink: 0 },
  title: { color: tokens.colorNeutralForegroundOnBrand },
  spacer: { flexGrow: 1 },
  who: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  lines: { display: "flex", flexDirection: "column", alignItems: "flex-end", lineHeight: 1.2, minWidth: 0 },
  account: {
    color: tokens.colorNeutralForegroundOnBrand,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    maxWidth: "100%",
  },
  tenant: {
    color: tokens.colorNeutralForegroundOnBrand,
    opacity: 0.85,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    maxWidth: "100%",
  },
  avatar: { fontSize: "28px", display: "flex" },
  warnIcon: { fontSize: "20px", display: "flex", color: tokens.colorNeutralForegroundOnBrand },
  switch: {
    flexShrink: 0,
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: "transparent",
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralForegroundOnBrand}`,
    ":hover": {
      color: tokens.colorNeutralForegroundOnBrand,
      backgroundColor: tokens.colorBrandBackgroundHover,
      border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralForegroundOnBrand}`,
    },
    ":hover:active": {
      color: tokens.colorNeutralForegroundOnBrand,
      backgroundColor: tokens.colorBrandBackgroundPressed,
      border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralForegroundOnBrand}`,
    },
  },
  warning: { borderRadius: 0 },
});

export function AppHeader({ onSwitchTenant }: { onSwitchTenant: () => void }) {
  const styles = useStyles();
  const session = useSession();
  const info = session.data;
  const [dismissedWarning, setDismissedWarning] = useState<string | null>(null);
  const warning = info?.warning ?? null;
  return (
    <>
      <header className={styles.root}>
        <span className={styles.brand}>
          <ShieldKeyholeFilled aria-hidden />
          <Text as="h1" weight="semibold" size={400} className={styles.title}>
            Exemption Desk
          </Text>
        </span>
        <span className={styles.spacer} />
        {info ? (
          <div className={styles.who} aria-label="Signed in" role="group" data-session-mode={info.mode}>
            {info.mode === "Demo" ? (
              <Badge appearance="tint" color="warning" shape="rounded">
                Demo tenant
              </Badge>
            ) : null}
            {info.profileName ? (
              <Badge
                appearance="outline"
                color="informative"
                shape="rounded"
                data-testid="session-profile"
                style={{
                  color: tokens.colorNeutralForegroundOnBrand,
                  borderColor: tokens.colorNeutralForegroundOnBrand,
                }}
              >
                {info.profileName}
              </Badge>
            ) : null}
            {warning ? (
              <Tooltip content={warning} relationship="label">
                <span className={styles.warnIcon} tabIndex={0} role="img" data-testid="session-warning-icon">
                  <WarningFilled />
                </span>
              </Tooltip>
            ) : null}
            <div className={styles.lines}>
              <Text weight="semibold" className={styles.account} data-testid="session-account">
                {info.account}
              </Text>
              <Caption1 className={styles.tenant}>
                <span data-testid="session-tenant">Tenant {info.tenantId}</span>
                {info.cloud ? (
                  <>
                    {" · "}
                    <span data-testid="session-cloud">{info.cloud}</span>
                  </>
                ) : null}
              </Caption1>
            </div>
            <span className={styles.avatar} aria-hidden>
              <PersonCircleRegular />
            </span>
          </div>
        ) : session.isError ? (
          <Tooltip content={toErrorPayload(session.error).message} relationship="description">
            <Caption1 className={styles.tenant}>Not signed in</Caption1>
          </Tooltip>
        ) : null}
        <Button className={styles.switch} icon={<ArrowSwapRegular />} onClick={onSwitchTenant}>
          Switch tenant
        </Button>
      </header>
      {warning && warning !== dismissedWarning ? (
        <MessageBar intent="warning" className={styles.warning} data-testid="session-warning">
          <MessageBarBody>{warning}</MessageBarBody>
          <MessageBarActions
            containerAction={
              <Button
                appearance="transparent"
                aria-label="Dismiss"
                icon={<DismissRegular />}
                onClick={() => setDismissedWarning(warning)}
              />
            }
          />
        </MessageBar>
      ) : null}
    </>
  );
}
