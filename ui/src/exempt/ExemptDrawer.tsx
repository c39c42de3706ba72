import {
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  OverlayDrawer,
  makeStyles,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { useState } from "react";
import type { ExemptionDraft, Recommendation, Subscription } from "../ipc/bindings";
import { ExemptPane } from "./ExemptPane";

const useStyles = makeStyles({
  title: { overflowWrap: "anywhere" },
});

type Props = {
  recommendation: Recommendation | null;
  subscriptions: readonly Subscription[];
  savedDraft: ExemptionDraft | null;
  onDraftChange: (key: string, draft: ExemptionDraft | null) => void;
  onClose: () => void;
};

export function ExemptDrawer({ recommendation, subscriptions, savedDraft, onDraftChange, onClose }: Props) {
  const styles = useStyles();
  // Keep showing the last recommendation while the drawer animates closed.
  const [shown, setShown] = useState<Recommendation | null>(recommendation);
  if (recommendation && recommendation !== shown) setShown(recommendation);
  const open = recommendation !== null;

  return (
    <OverlayDrawer
      position="end"
      size="medium"
      open={open}
      onOpenChange={(_, data) => {
        if (!data.open) onClose();
      }}
      aria-label={shown ? `Exempt: ${shown.displayName}` : "Exempt"}
    >
      {shown ? (
        <>
          <DrawerHeader>
            <DrawerHeaderTitle
              className={styles.title}
              action={
                <Button appearance="subtle" aria-label="Dismiss" icon={<DismissRegular />} onClick={onClose} />
              }
            >
              Exempt: {shown.displayName}
            </DrawerHeaderTitle>
          </DrawerHeader>
          <DrawerBody>
            <ExemptPane
              key={shown.key}
              recommendation={shown}
              subscriptions={subscriptions}
              savedDraft={savedDraft}
              onDraftChange={onDraftChange}
              onClose={onClose}
            />
          </DrawerBody>
        </>
      ) : null}
    </OverlayDrawer>
  );
}
