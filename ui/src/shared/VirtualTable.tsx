import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { ArrowSortDownRegular, ArrowSortUpRegular } from "@fluentui/react-icons";
import {
  memo,
  startTransition,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import type { SortState } from "./listView";

/** The header row's height; rows scroll under it. */
const HEADER = 36;
/** Rows rendered beyond each edge of the view, so a short scroll shows rows at once. */
const OVERSCAN = 3;

const useStyles = makeStyles({
  grid: { overflow: "auto", position: "relative", contain: "strict", outlineStyle: "none" },
  header: {
    position: "sticky",
    top: 0,
    zIndex: 1,
    height: `${HEADER}px`,
    display: "grid",
    alignItems: "center",
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
  },
  headerCell: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXXS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    minWidth: 0,
    height: "100%",
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground1,
    overflow: "hidden",
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
  },
  sortButton: {
    border: "none",
    backgroundColor: "transparent",
    color: "inherit",
    font: "inherit",
    textAlign: "start",
    padding: 0,
    boxSizing: "border-box",
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXXS,
    width: "100%",
    height: "100%",
    cursor: "pointer",
    minWidth: 0,
    ":hover": { color: tokens.colorNeutralForeground1Hover, backgroundColor: tokens.colorSubtleBackgroundHover },
    ":focus-visible": {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: `calc(-1 * ${tokens.strokeWidthThick})`,
    },
  },
  headerText: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  body: { position: "relative" },
  row: {
    position: "absolute",
    top: 0,
    left: 0,
    right: 0,
    display: "grid",
    alignItems: "center",
    boxSizing: "border-box",
    overflow: "hidden",
    contain: "strict",
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    outlineStyle: "none",
    ":hover": { backgroundColor: tokens.colorSubtleBackgroundHover },
    ":focus-visible": {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: `calc(-1 * ${tokens.strokeWidthThick})`,
    },
  },
  clickable: { cursor: "pointer" },
  selected: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    ":hover": { backgroundColor: tokens.colorSubtleBackgroundSelected },
  },
  cell: {
    minWidth: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
  },
});

export type Column<T> = {
  id: string;
  header: ReactNode;
  /** A CSS grid track: `"104px"`, `"minmax(0, 1fr)"`. */
  width: string;
  render: (row: T) => ReactNode;
  /** The header sorts by this column when clicked. */
  sortable?: boolean;
  /** The header's text for screen readers and the tooltip, when `header` is not plain text. */
  title?: string;
  className?: string;
};

type RowAttributes = { "aria-label"?: string; title?: string } & Record<`data-${string}`, string | undefined>;

type Props<T> = {
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly Column<T>[];
  "aria-label": string;
  /** Every row's height in pixels; a cell's content must fit (clamp or cut it). One
   * height keeps the layout of 50,000 rows to arithmetic: nothing is measured. */
  rowHeight: number;
  /** The most the table may take up, as CSS (`"60vh"`); it is shorter when its rows are. */
  maxHeight: string;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth?: string;
  sort?: SortState;
  onSortChange?: (sort: SortState) => void;
  /** Click, Enter or Space on a row. */
  onOpen?: (row: T) => void;
  rowAttributes?: (row: T) => RowAttributes;
  /** The list `rows` are drawn from (searched, filtered or sorted, the same
   * objects): while it is the same array, the row that was first in view and is
   * no longer among `rows` was taken away, and it is not looked for by key
   * (through every row: milliseconds in 50,000, on the keystroke). */
  source?: readonly unknown[];
  className?: string;
};

/** A table that keeps only the rows in view in the DOM, so 50,000 rows cost
 * what a screenful does: a `grid` with a sticky header, sortable columns, one
 * focusable row at a time (arrow keys, Home/End, PageUp/PageDown; the focused
 * row scrolls into view), and the focused row, the selection and the scroll
 * position kept when rows are added while it is open. */
export function VirtualTable<T>(props: Props<T>) {
  const { rows, rowKey, columns, rowHeight, maxHeight, minWidth, sort, onSortChange, onOpen, rowAttributes, source } =
    props;
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  // The focused (and selected) row, by key, so it survives rows being added, filtered or sorted.
  const [active, setActive] = useState<string | null>(null);
  const pendingFocus = useRef<number | null>(null);
  const template = columns.map((c) => c.width).join(" ");

  // Which rows are in view: every row has the same height, so it is arithmetic on
  // the scroll position, whatever the number of rows (a filter keystroke that
  // changes 50,000 rows to 40,000 lays out nothing). The table renders again only
  // when the first row in view or the view's height changes, not on every scroll event.
  const [view, setView] = useState({ first: 0, height: 0 });
  // The scroll position as last reported, so rendering never reads the DOM's layout.
  const scrolled = useRef(0);
  const readView = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    scrolled.current = el.scrollTop;
    const first = Math.floor(el.scrollTop / rowHeight);
    const height = el.clientHeight;
    setView((v) => (v.first === first && v.height === height ? v : { first, height }));
  }, [rowHeight]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    readView();
    el.addEventListener("scroll", readView, { passive: true });
    const resize = new ResizeObserver(readView);
    resize.observe(el);
    return () => {
      el.removeEventListener("scroll", readView);
      resize.disconnect();
    };
  }, [readView]);
  // When the rows change (a search keystroke), the rows beyond the edges come in
  // a render of their own after the next paint: the keystroke's commit, layout
  // and paint are for the rows in view only, and no one task does both. Not
  // while focus is in the table: a focused row just out of view stays.
  const [overscanFor, setOverscanFor] = useState(rows);
  const [focusInside, setFocusInside] = useState(false);
  const overscan = overscanFor === rows || focusInside ? OVERSCAN : 0;
  useEffect(() => {
    if (overscanFor === rows) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setOverscanFor(rows)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [rows, overscanFor]);
  const inView = Math.ceil(Math.max(0, view.height - HEADER) / rowHeight) + 1;
  const start = Math.max(0, Math.min(view.first, rows.length - 1) - overscan);
  const end = Math.min(rows.length, view.first + inView + overscan);

  /** Scrolls the least that brings row `index` into view below the header. */
  const scrollToRow = (index: number) => {
    const el = scroller.current;
    if (!el) return;
    const top = index * rowHeight;
    const bottom = (index + 1) * rowHeight + HEADER - el.clientHeight;
    if (el.scrollTop > top) el.scrollTo({ top });
    else if (el.scrollTop < bottom) el.scrollTo({ top: bottom });
    readView();
  };

  // Rows are memoised; what they call back through stays the same function.
  const latest = useRef({ onOpen, rowAttributes });
  useLayoutEffect(() => {
    latest.current = { onOpen, rowAttributes };
  });
  const open = useCallback((row: T) => latest.current.onOpen?.(row), []);
  const attributes = useCallback((row: T) => latest.current.rowAttributes?.(row) ?? {}, []);

  // Keep the first row in view where it was when rows before it are added or
  // taken away (a sort puts a streamed-in row anywhere; a search takes rows
  // away); rows added after it cost nothing. At the very top the table stays
  // at the top, and nothing is looked for (typing a search, mostly).
  const anchor = useRef<{ row: T; key: string; index: number; delta: number } | null>(null);
  const seenRows = useRef(rows);
  const seenSource = useRef(source);
  useLayoutEffect(() => {
    const el = scroller.current;
    const previous = anchor.current;
    if (seenRows.current !== rows && el && previous && (previous.index > 0 || previous.delta > 0)) {
      // The same row object where it was, or elsewhere (a search or a batch keeps
      // the objects); else the row with the same key (a refetch makes new ones),
      // unless the rows come from the same source as before (a search took it away).
      let index = rows[previous.index] === previous.row ? previous.index : rows.indexOf(previous.row);
      const sameSource = source !== undefined && source === seenSource.current;
      if (index < 0 && !sameSource) index = rows.findIndex((r) => rowKey(r) === previous.key);
      if (index !== previous.index) {
        // (No further than the rows reach: a browser stops there by itself, jsdom does not.)
        const furthest = Math.max(0, rows.length * rowHeight + HEADER - el.clientHeight);
        el.scrollTop = index < 0 ? 0 : Math.min(index * rowHeight + previous.delta, furthest);
        readView();
      }
    }
    seenRows.current = rows;
    seenSource.current = source;
  });
  useEffect(() => {
    const top = scrolled.current;
    const index = Math.min(Math.floor(top / rowHeight), rows.length - 1);
    anchor.current =
      index >= 0 ? { row: rows[index]!, key: rowKey(rows[index]!), index, delta: top - index * rowHeight } : null;
  });

  // Focus a row moved to by keyboard once it is rendered (scrolling there may take a frame).
  useEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-row-index="${index}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const activeIndex = useMemo(
    () => (active === null ? -1 : rows.findIndex((r) => rowKey(r) === active)),
    // `rowKey` is the same function for the same rows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, active],
  );
  const tabbable = activeIndex >= 0 ? activeIndex : 0;

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    if (rows.length === 0) return;
    setActive(rowKey(rows[next]!));
    pendingFocus.current = next;
    scrollToRow(next);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>("[data-row-index]");
    if (!rowEl) return;
    const index = Number(rowEl.dataset.rowIndex);
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 0) - HEADER) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      moveTo(target);
    } else if ((e.key === "Enter" || e.key === " ") && onOpen && rows[index]) {
      e.preventDefault();
      onOpen(rows[index]);
    }
  };

  const total = rows.length * rowHeight;
  const sortBy = (id: string) => {
    if (!onSortChange) return;
    if (sort?.column !== id) onSortChange({ column: id, descending: false });
    else if (!sort.descending) onSortChange({ column: id, descending: true });
    else onSortChange(null);
  };

  return (
    <div
      ref={scroller}
      role="grid"
      aria-label={props["aria-label"]}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      className={mergeClasses(styles.grid, props.className)}
      style={{ height: `min(${total + HEADER + 2}px, ${maxHeight})` }}
      onKeyDown={onKeyDown}
      onFocus={() => setFocusInside(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setFocusInside(false);
      }}
    >
      <div role="rowgroup" className={styles.header} style={{ gridTemplateColumns: template, minWidth }}>
        <div role="row" aria-rowindex={1} style={{ display: "contents" }}>
          {columns.map((c, i) => {
            const sorted = sort?.column === c.id ? sort : null;
            return (
              <div
                key={c.id}
                role="columnheader"
                aria-colindex={i + 1}
                aria-sort={sorted ? (sorted.descending ? "descending" : "ascending") : undefined}
                className={styles.headerCell}
                title={c.title}
              >
                {c.sortable && onSortChange ? (
                  <button type="button" className={styles.sortButton} onClick={() => sortBy(c.id)}>
                    <span className={styles.headerText}>{c.header}</span>
                    {sorted ? sorted.descending ? <ArrowSortDownRegular /> : <ArrowSortUpRegular /> : null}
                  </button>
                ) : (
                  <span className={styles.headerText}>{c.header}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className={styles.body} style={{ height: total, minWidth }}>
        {Array.from({ length: Math.max(0, end - start) }, (_, k) => {
          const index = start + k;
          const row = rows[index]!;
          const key = rowKey(row);
          return (
            <Row<T>
              key={key}
              row={row}
              rowKey={key}
              index={index}
              top={index * rowHeight}
              height={rowHeight}
              template={template}
              columns={columns}
              selected={index === activeIndex}
              tabbable={index === tabbable}
              clickable={onOpen !== undefined}
              onActivate={setActive}
              onOpen={open}
              attributes={attributes}
            />
          );
        })}
      </div>
    </div>
  );
}

type RowProps<T> = {
  row: T;
  rowKey: string;
  index: number;
  top: number;
  height: number;
  template: string;
  columns: readonly Column<T>[];
  selected: boolean;
  tabbable: boolean;
  clickable: boolean;
  onActivate: (key: string) => void;
  onOpen: (row: T) => void;
  attributes: (row: T) => RowAttributes;
};

/** One row; it renders again only when what it shows changes, not on every scroll or keystroke. */
const Row = memo(function Row<T>(props: RowProps<T>) {
  const { row, rowKey, index, top, height, template, columns, selected, tabbable, clickable } = props;
  const styles = useStyles();
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      data-row-index={index}
      className={mergeClasses(styles.row, clickable && styles.clickable, selected && styles.selected)}
      style={{ transform: `translateY(${top}px)`, height, gridTemplateColumns: template }}
      onFocus={(e) => {
        if (e.target === e.currentTarget) props.onActivate(rowKey);
      }}
      onClick={() => {
        props.onActivate(rowKey);
        props.onOpen(row);
      }}
      {...props.attributes(row)}
    >
      {columns.map((c, i) => (
        <div key={c.id} role="gridcell" aria-colindex={i + 1} className={mergeClasses(styles.cell, c.className)}>
          {c.render(row)}
        </div>
      ))}
    </div>
  );
}) as <T>(props: RowProps<T>) => ReactNode;
