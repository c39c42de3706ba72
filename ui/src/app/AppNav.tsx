import { Tab, TabList, makeStyles, tabClassNames, tokens } from "@fluentui/react-components";
import {
  HistoryRegular,
  PeopleQueueRegular,
  SettingsRegular,
  ShieldCheckmarkRegular,
  ShieldTaskRegular,
} from "@fluentui/react-icons";
import { useQuery } from "@tanstack/react-query";
import type { CSSProperties } from "react";
import { queries } from "../ipc/queries";
import { useRequestsChanged } from "../requests/useRequestsChanged";
import { useNavigation, type Screen } from "./navigation";

const useStyles = makeStyles({
  root: {
    height: "100%",
    boxSizing: "border-box",
    width: "248px",
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    // The narrowest window (960 px) leaves the register its key columns.
    "@media (max-width: 1100px)": { width: "224px" },
  },
  list: { width: "100%" },
  // The count is drawn, not written, so the tab's text stays exactly its name
  // (WebDriver finds tabs by text); screen readers hear it through aria-describedby.
  // After the tab's text, not the tab (Fluent draws the selection bar with the tab's
  // own ::after); the number comes in a custom property, the text stays a plain string.
  counted: {
    [`& .${tabClassNames.content}::after`]: {
      content: "var(--nav-count)",
      display: "inline-block",
      marginLeft: tokens.spacingHorizontalS,
      minWidth: "20px",
      height: "20px",
      padding: `0 ${tokens.spacingHorizontalXS}`,
      boxSizing: "border-box",
      borderRadius: tokens.borderRadiusCircular,
      backgroundColor: tokens.colorPaletteDarkOrangeBackground3,
      color: tokens.colorNeutralForegroundOnBrand,
      fontSize: tokens.fontSizeBase200,
      fontWeight: tokens.fontWeightSemibold,
      lineHeight: "20px",
      textAlign: "center",
    },
  },
  hidden: {
    position: "absolute",
    width: "1px",
    height: "1px",
    overflow: "hidden",
    clip: "rect(0 0 0 0)",
    whiteSpace: "nowrap",
  },
});

const NUMBER = new Intl.NumberFormat("en-US");

export function AppNav() {
  const styles = useStyles();
  const { screen, go, openRegister } = useNavigation();
  // Refetched after every apply (`invalidate.afterApply`) and when the settings change.
  const expiring = useQuery(queries.expiring()).data?.length ?? 0;
  // Requests waiting for the user's decision; read again when the backend's watch sees news.
  useRequestsChanged();
  const awaiting = useQuery(queries.requests("AwaitingDecision")).data?.length ?? 0;
  const awaitingCount = awaiting > 0 ? NUMBER.format(awaiting) : undefined;
  const select = (value: Screen) => {
    // While it counts, the Exemptions item opens the register on the ones expiring soon.
    if (value === "exemptions" && expiring > 0) openRegister({ expiringSoon: true });
    else go(value);
  };
  const count = expiring > 0 ? NUMBER.format(expiring) : undefined;
  return (
    <nav className={styles.root} aria-label="Main">
      <TabList
        className={styles.list}
        vertical
        size="large"
        // No hidden duplicate of each label: a tab's text is exactly its name,
        // so WebDriver can find it by text. The nav has a fixed width anyway.
        reserveSelectedTabSpace={false}
        selectedValue={screen}
        onTabSelect={(_, data) => select(data.value as Screen)}
      >
        <Tab value="recommendations" icon={<ShieldTaskRegular />}>
          Recommendations
        </Tab>
        <Tab
          value="exemptions"
          icon={<ShieldCheckmarkRegular />}
          className={count ? styles.counted : undefined}
          style={count ? ({ "--nav-count": JSON.stringify(count) } as CSSProperties) : undefined}
          data-testid="nav-exemptions"
          data-count={count}
          aria-describedby={expiring > 0 ? "nav-expiring" : undefined}
        >
          Exemptions
        </Tab>
        <Tab
          value="requests"
          icon={<PeopleQueueRegular />}
          className={awaitingCount ? styles.counted : undefined}
          style={awaitingCount ? ({ "--nav-count": JSON.stringify(awaitingCount) } as CSSProperties) : undefined}
          data-testid="nav-requests"
          data-count={awaitingCount}
          aria-describedby={awaiting > 0 ? "nav-awaiting" : undefined}
        >
          Requests
        </Tab>
        <Tab value="activity" icon={<HistoryRegular />}>
          Activity
        </Tab>
        <Tab value="settings" icon={<SettingsRegular />}>
          Settings
        </Tab>
      </TabList>
      {expiring > 0 ? (
        <span id="nav-expiring" className={styles.hidden}>
          {`${NUMBER.format(expiring)} expiring soon; opens them`}
        </span>
      ) : null}
      {awaiting > 0 ? (
        <span id="nav-awaiting" className={styles.hidden}>
          {`${NUMBER.format(awaiting)} awaiting your decision`}
        </span>
      ) : null}
    </nav>
  );
}
