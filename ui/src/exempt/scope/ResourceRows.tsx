import { Caption1, Checkbox, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { usePickerStyles } from "./pickerStyles";

export type ResourceRow = { id: string; name: string; secondary: string; text: string };

const ROW_HEIGHT = 52;

const useStyles = makeStyles({
  scroller: { height: "280px", maxHeight: "none", position: "relative", display: "block" },
  row: {
    position: "absolute",
    left: 0,
    right: 0,
    top: 0,
    display: "flex",
    flexDirection: "column",
    justifyContent: "center",
    minWidth: 0,
  },
  secondary: {
    paddingLeft: "36px",
    marginTop: "-6px",
    overflow: "hidden",
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
    color: tokens.colorNeutralForeground3,
  },
});

type Props = {
  rows: readonly ResourceRow[];
  chosen: ReadonlySet<string>;
  onToggle: (id: string, checked: boolean) => void;
};

/** Only the rows in view are in the DOM, so 5,000 resources scroll smoothly. */
export function ResourceRows({ rows, chosen, onToggle }: Props) {
  const styles = useStyles();
  const picker = usePickerStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (i) => rows[i]!.id,
  });
  return (
    <div ref={scroller} className={mergeClasses(picker.box, styles.scroller)} data-testid="resource-list">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", flexShrink: 0 }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          return (
            <div
              key={item.key}
              className={styles.row}
              style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              data-testid="resource-row"
            >
              <Checkbox
                label={r.name}
                checked={chosen.has(r.id)}
                onChange={(_, d) => onToggle(r.id, d.checked === true)}
                value={r.id}
                title={r.id}
              />
              <Caption1 className={styles.secondary} title={r.secondary}>
                {r.secondary}
              </Caption1>
            </div>
          );
        })}
      </div>
    </div>
  );
}
