import { Tag, Tooltip, makeStyles, tokens } from "@fluentui/react-components";
import { CheckmarkCircleRegular, ProhibitedRegular } from "@fluentui/react-icons";

const useStyles = makeStyles({
  yes: {
    display: "inline-flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorPaletteGreenForeground1,
  },
});

export function ExemptibleCell({ reason }: { reason: string | null }) {
  const styles = useStyles();
  if (reason === null) {
    return (
      <span className={styles.yes}>
        <CheckmarkCircleRegular aria-hidden />
        Yes
      </span>
    );
  }
  return (
    <Tooltip content={reason} relationship="description" withArrow>
      <Tag appearance="outline" size="small" icon={<ProhibitedRegular />} data-testid="not-exemptible">
        Can't be exempted
      </Tag>
    </Tooltip>
  );
}
