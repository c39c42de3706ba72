import { makeStyles, mergeClasses } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, type ReactNode } from "react";

const useStyles = makeStyles({
  scroller: { overflowY: "auto", position: "relative", contain: "strict" },
  item: { position: "absolute", top: 0, left: 0, right: 0 },
});

type Props<T> = {
  items: readonly T[];
  itemKey: (item: T, index: number) => string | number;
  /** A guess at each item's height; items are measured as they render. */
  estimate: number;
  /** The most the list is allowed to take up, as CSS (`"60vh"`). */
  maxHeight: string;
  render: (item: T, index: number) => ReactNode;
  className?: string;
  "aria-label"?: string;
};

/** A list that keeps only what is in view in the DOM, each item measured, so
 * thousands of items cost what a screenful does. */
export function VirtualList<T>({ items, itemKey, estimate, maxHeight, render, className, ...rest }: Props<T>) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimate,
    overscan: 4,
    getItemKey: (i) => itemKey(items[i]!, i),
  });
  const total = virtualizer.getTotalSize();
  return (
    <div
      ref={scroller}
      className={mergeClasses(styles.scroller, className)}
      style={{ height: `min(${total}px, ${maxHeight})` }}
      role="list"
      aria-label={rest["aria-label"]}
    >
      <div style={{ height: total, position: "relative" }}>
        {virtualizer.getVirtualItems().map((v) => (
          <div
            key={v.key}
            role="listitem"
            data-index={v.index}
            ref={virtualizer.measureElement}
            className={styles.item}
            style={{ transform: `translateY(${v.start}px)` }}
          >
            {render(items[v.index]!, v.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
