import {
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  OverlayDrawer,
  Tab,
  TabList,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { memo, useEffect, useState } from "react";
import type { ExemptionDraft, Recommendation, Subscription } from "../ipc/bindings";
import { RecommendationDetails } from "../recommendations/details/RecommendationDetails";
import { ExemptPane } from "./ExemptPane";

const useStyles = makeStyles({
  title: { overflowWrap: "anywhere" },
  tabs: { marginTop: tokens.spacingVerticalS, marginLeft: `calc(-1 * ${tokens.spacingHorizontalM})` },
});

export type DrawerTarget = {
  recommendation: Recommendation;
  savedDraft: ExemptionDraft | null;
  applyId: string | null;
};

type Props = {
  target: DrawerTarget | null;
  subscriptions: readonly Subscription[];
  onDraftChange: (key: string, draft: ExemptionDraft | null) => void;
  onClose: () => void;
};

/** Memoised: typing in the list behind it does not render it again. */
export const ExemptDrawer = memo(function ExemptDrawer({ target, subscriptions, onDraftChange, onClose }: Props) {
  const styles = useStyles();
  // Keep showing the last recommendation while the drawer animates closed.
  const [shown, setShown] = useState<DrawerTarget | null>(target);
  const [tab, setTab] = useState<"exempt" | "details">("exempt");
  if (target && target !== shown) {
    setShown(target);
    setTab("exempt");
  }
  const open = target !== null;
  const rec = shown?.recommendation;
  // Escape always closes it: the drawer hears Escape only with focus inside
  // it, and focus falls to the page when the button holding it goes away (the
  // apply's Cancel when it finishes). Escape that something inside already
  // handled (a nested dialog, a list box) is left alone.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open, onClose]);

  return (
    <OverlayDrawer
      position="end"
      size="medium"
      open={open}
      onOpenChange={(_, data) => {
        if (!data.open) onClose();
      }}
      aria-label={rec ? `Exempt: ${rec.displayName}` : "Exempt"}
    >
      {shown && rec ? (
        <>
          <DrawerHeader>
            <DrawerHeaderTitle
              className={styles.title}
              action={<Button appearance="subtle" aria-label="Dismiss" icon={<DismissRegular />} onClick={onClose} />}
            >
              Exempt: {rec.displayName}
            </DrawerHeaderTitle>
            <TabList
              className={styles.tabs}
              selectedValue={tab}
              onTabSelect={(_, d) => setTab(d.value as "exempt" | "details")}
              aria-label="Recommendation"
            >
              <Tab value="exempt">Exempt</Tab>
              <Tab value="details">Details</Tab>
            </TabList>
          </DrawerHeader>
          <DrawerBody>
            {/* Both stay mounted, so switching tabs loses nothing typed. */}
            <div hidden={tab !== "exempt"}>
              <ExemptPane
                key={`${rec.key}-${shown.applyId ?? ""}`}
                recommendation={rec}
                subscriptions={subscriptions}
                savedDraft={shown.savedDraft}
                applyId={shown.applyId}
                onDraftChange={onDraftChange}
                onClose={onClose}
              />
            </div>
            {tab === "details" ? <RecommendationDetails recommendation={rec} subscriptions={subscriptions} /> : null}
          </DrawerBody>
        </>
      ) : null}
    </OverlayDrawer>
  );
});
