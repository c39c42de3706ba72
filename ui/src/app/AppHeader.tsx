import { Badge, Caption1, Text, Tooltip, makeStyles, tokens } from "@fluentui/react-components";
import { PersonCircleRegular, ShieldKeyholeFilled } from "@fluentui/react-icons";
import { toErrorPayload } from "../shared/errors";
import { useSession } from "../shared/queries";

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
  brand: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, fontSize: "20px" },
  title: { color: tokens.colorNeutralForegroundOnBrand },
  spacer: { flexGrow: 1 },
  who: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  lines: { display: "flex", flexDirection: "column", alignItems: "flex-end", lineHeight: 1.2, minWidth: 0 },
  account: {
    color: tokens.colorNeutralForegroundOnBrand,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
  },
  tenant: { color: tokens.colorNeutralForegroundOnBrand, opacity: 0.85 },
  avatar: { fontSize: "28px", display: "flex" },
});

export function AppHeader() {
  const styles = useStyles();
  const session = useSession();
  const info = session.data;
  return (
    <header className={styles.root}>
      <span className={styles.brand}>
        <ShieldKeyholeFilled aria-hidden />
        <Text as="h1" weight="semibold" size={400} className={styles.title}>
          Exemption Desk
        </Text>
      </span>
      <span className={styles.spacer} />
      {info ? (
        <div className={styles.who} aria-label="Signed in" role="group">
          {info.mode === "Demo" ? (
            <Badge appearance="tint" color="warning" shape="rounded">
              Demo tenant
            </Badge>
          ) : null}
          <div className={styles.lines}>
            <Text weight="semibold" className={styles.account} data-testid="session-account">
              {info.account}
            </Text>
            <Caption1 className={styles.tenant} data-testid="session-tenant">
              Tenant {info.tenantId}
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
    </header>
  );
}
