import { Button, MessageBar, MessageBarBody, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { SaveRegular } from "@fluentui/react-icons";

const useStyles = makeStyles({
  actions: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalM },
});

type Props = {
  label: string;
  pending: boolean;
  disabled?: boolean;
  /** Shows "Saved." beside the button. */
  saved: boolean;
  savedTestId: string;
};

/** A Settings section's submit button, with a spinner while saving and "Saved." once it is. */
export function SaveRow({ label, pending, disabled = false, saved, savedTestId }: Props) {
  const styles = useStyles();
  return (
    <div className={styles.actions}>
      <Button
        type="submit"
        appearance="primary"
        icon={pending ? <Spinner size="extra-tiny" /> : <SaveRegular />}
        disabled={pending || disabled}
      >
        {label}
      </Button>
      {saved ? (
        <MessageBar intent="success" data-testid={savedTestId}>
          <MessageBarBody>Saved.</MessageBarBody>
        </MessageBar>
      ) : null}
    </div>
  );
}
