import { Tab, TabList, makeStyles, tokens } from "@fluentui/react-components";
import { ShieldTaskRegular, ShieldCheckmarkRegular } from "@fluentui/react-icons";

import type { Screen } from "./navigation";

const useStyles = makeStyles({
  root: {
    height: "100%",
    boxSizing: "border-box",
    width: "248px",
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  list: { width: "100%" },
});

export function AppNav({ screen, onChange }: { screen: Screen; onChange: (s: Screen) => void }) {
  const styles = useStyles();
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
        onTabSelect={(_, data) => onChange(data.value as Screen)}
      >
        <Tab value="recommendations" icon={<ShieldTaskRegular />}>
          Recommendations
        </Tab>
        <Tab value="exemptions" icon={<ShieldCheckmarkRegular />}>
          Exemptions
        </Tab>
      </TabList>
    </nav>
  );
}
