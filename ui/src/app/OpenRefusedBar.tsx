import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { useNavigation } from "./navigation";

/** Why a link or a file opened from outside could not be opened (nothing changed), until dismissed. */
export function OpenRefusedBar() {
  const { openRefused, dismissOpenRefused } = useNavigation();
  if (!openRefused) return null;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="open-refused" style={{ marginBottom: 12 }}>
      <MessageBarBody>
        <MessageBarTitle>Couldn't open that</MessageBarTitle>
        {openRefused}
      </MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button
            appearance="transparent"
            aria-label="Dismiss"
            icon={<DismissRegular />}
            onClick={dismissOpenRefused}
          />
        }
      />
    </MessageBar>
  );
}
