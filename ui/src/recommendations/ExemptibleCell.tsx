import { Tag, Tooltip, makeStyles, tokens, useId } from "@fluentui/react-components";
import { CheckmarkCircleRegular, ProhibitedRegular } from "@fluentui/react-icons";
import { useState } from "react";

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
  return <NotExemptible reason={reason} />;
}

/** "Can't be exempted", described by the reason. The tooltip mounts when the
 * pointer first comes to the tag: a description tooltip otherwise renders its
 * (hidden) content in a portal for every row, which a filter keystroke that
 * brings new rows into view pays for. Until then a hidden span describes it. */
function NotExemptible({ reason }: { reason: string }) {
  const [armed, setArmed] = useState(false);
  const [visible, setVisible] = useState(false);
  const id = useId("not-exemptible-reason");
  const arm = () => {
    if (armed) return;
    setArmed(true);
    setVisible(true);
  };
  const tag = (
    <Tag
      appearance="outline"
      size="small"
      icon={<ProhibitedRegular />}
      data-testid="not-exemptible"
      // (Once armed, the tooltip describes it: a prop here, even undefined, would override the tooltip's.)
      {...(armed ? {} : { "aria-describedby": id })}
      onPointerEnter={arm}
    >
      Can't be exempted
    </Tag>
  );
  if (!armed)
    return (
      <>
        {tag}
        <span id={id} hidden>
          {reason}
        </span>
      </>
    );
  return (
    <Tooltip
      content={reason}
      relationship="description"
      withArrow
      visible={visible}
      onVisibleChange={(_, data) => setVisible(data.visible)}
    >
      {tag}
    </Tooltip>
  );
}
