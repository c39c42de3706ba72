import { Button, DrawerBody, DrawerHeader, DrawerHeaderTitle, OverlayDrawer } from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import type { RegisterEntry } from "../../ipc/bindings";

/** PLACEHOLDER: the details helper's drawer replaces this file at merge (same export). */
export function ExemptionDetailsDrawer({ entry, onClose }: { entry: RegisterEntry; onClose: () => void }) {
  const name = entry.exemption.displayName || entry.exemption.name;
  return (
    <OverlayDrawer
      open
      position="end"
      size="medium"
      onOpenChange={(_, data) => (data.open ? undefined : onClose())}
      aria-label={`Exemption ${name}`}
      data-testid="exemption-details"
    >
      <DrawerHeader>
        <DrawerHeaderTitle
          action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}
        >
          {name}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        <p>{entry.scopeName}</p>
      </DrawerBody>
    </OverlayDrawer>
  );
}
