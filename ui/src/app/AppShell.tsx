import { makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { ConnectDialog } from "../connect/ConnectDialog";
import { useSession } from "../ipc/queries";
import { useRefreshAfterApplies } from "../apply/useApply";
import { ApplyBanners } from "./ApplyBanners";
import { WriteAccessBanner } from "./WriteAccessBanner";
import { ExemptTargetProvider } from "./exemptTarget";
import { SignInAgainProvider } from "../shared/signInAgain";
import { ActivityPage } from "../activity/ActivityPage";
import { ExemptionsPage } from "../exemptions/ExemptionsPage";
import { RecommendationsPage } from "../recommendations/RecommendationsPage";
import { RequestsPage } from "../requests/RequestsPage";
import { SettingsPage } from "../settings/SettingsPage";
import { AppHeader } from "./AppHeader";
import { AppNav } from "./AppNav";
import { OpenRefusedBar } from "./OpenRefusedBar";
import { NavigationProvider, useNavigation, type Screen } from "./navigation";

const useStyles = makeStyles({
  root: {
    display: "grid",
    gridTemplateRows: "auto 1fr",
    gridTemplateColumns: "auto 1fr",
    gridTemplateAreas: '"header header" "nav main"',
    height: "100%",
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  header: { gridArea: "header" },
  nav: { gridArea: "nav" },
  main: {
    gridArea: "main",
    overflow: "auto",
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    minWidth: 0,
    "@media (max-width: 1100px)": { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}` },
  },
});

const SCREEN_NAMES: Record<Screen, string> = {
  recommendations: "Recommendations",
  exemptions: "Exemptions",
  requests: "Requests",
  activity: "Activity",
  settings: "Settings",
};

export function AppShell() {
  return (
    <NavigationProvider>
      <Shell />
    </NavigationProvider>
  );
}

function Shell() {
  const styles = useStyles();
  const { screen, go: setScreen } = useNavigation();
  const [connectOpen, setConnectOpen] = useState(false);
  useRefreshAfterApplies();
  // No session at all (nothing remembered, the sign-in gone): go to Connect.
  const sessionFailed = useSession().isError;
  useEffect(() => {
    if (sessionFailed) setConnectOpen(true);
  }, [sessionFailed]);
  return (
    <SignInAgainProvider onSignIn={() => setConnectOpen(true)}>
      <ExemptTargetProvider onOpen={() => setScreen("recommendations")}>
        <div className={styles.root}>
          <div className={styles.header}>
            <AppHeader onSwitchTenant={() => setConnectOpen(true)} />
          </div>
          <div className={styles.nav}>
            <AppNav />
          </div>
          <main className={styles.main} aria-label={SCREEN_NAMES[screen]}>
            <OpenRefusedBar />
            <WriteAccessBanner />
            <ApplyBanners />
            {screen === "recommendations" ? <RecommendationsPage /> : null}
            {screen === "exemptions" ? <ExemptionsPage /> : null}
            {screen === "requests" ? <RequestsPage /> : null}
            {screen === "activity" ? <ActivityPage /> : null}
            {screen === "settings" ? <SettingsPage /> : null}
          </main>
        </div>
        <ConnectDialog open={connectOpen} onClose={() => setConnectOpen(false)} />
      </ExemptTargetProvider>
    </SignInAgainProvider>
  );
}
