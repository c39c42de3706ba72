import { Badge, Checkbox, makeStyles, tokens } from "@fluentui/react-components";
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { ExpiryState, RegisterEntry } from "../ipc/bindings";
import { formatExpiry, formatExpiryDate } from "../shared/formatDate";
import type { SortState } from "../shared/listView";
import { Truncated } from "../shared/Truncated";
import { VirtualTable, type Column } from "../shared/VirtualTable";
import { LEVEL_WORDS, recommendationText, shownName, stateBadge } from "./register";

const useStyles = makeStyles({
  table: { minHeight: "120px" },
  // A cell of two lines is itself the column they stack in (no element more per cell).
  stackCell: { display: "flex", flexDirection: "column", alignItems: "flex-start" },
  // The name opens the details: a button that reads as a link.
  nameButton: {
    border: "none",
    background: "none",
    padding: 0,
    font: "inherit",
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorBrandForegroundLink,
    cursor: "pointer",
    textAlign: "start",
    maxWidth: "100%",
    overflow: "hidden",
    whiteSpace: "nowrap",
    textOverflow: "ellipsis",
    ":hover": { textDecorationLine: "underline", color: tokens.colorBrandForegroundLinkHover },
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  mono: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground3,
  },
  badge: { whiteSpace: "nowrap", flexShrink: 0 },
  muted: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
});

const BADGE_COLOR: Record<ExpiryState["kind"], "success" | "warning" | "danger" | "informative"> = {
  never: "informative",
  active: "success",
  expiresSoon: "warning",
  expired: "danger",
};

/** The expiry state as a badge (none when it never expires). */
export function ExpiryBadge({ state }: { state: ExpiryState }) {
  const styles = useStyles();
  const text = stateBadge(state);
  if (!text) return null;
  return (
    <Badge
      appearance="tint"
      shape="rounded"
      color={BADGE_COLOR[state.kind]}
      data-testid="expiry-badge"
      className={styles.badge}
    >
      {text}
    </Badge>
  );
}

const CATEGORY: Record<string, string> = { Mitigated: "Mitigated", Waiver: "Waiver" };
const CATEGORY_TITLE: Record<string, string> = {
  Mitigated: "Resolved through 3rd party (mitigated)",
  Waiver: "Risk accepted (waiver)",
};

type Props = {
  entries: readonly RegisterEntry[];
  /** Every entry read (`entries` are some of them, the same objects). */
  all: readonly RegisterEntry[];
  sort: SortState;
  onSortChange: (sort: SortState) => void;
  /** Ids of the rows chosen for an action: the checkbox, or Space on a row. */
  selectedIds: ReadonlySet<string>;
  onToggle: (id: string) => void;
  /** The name, a click on the row, or Enter on it. */
  onOpenDetails: (entry: RegisterEntry) => void;
};

// The key columns (name, scope, expiry and state) come first and fit the
// narrowest window (960 px less the navigation); the rest follow and the table
// scrolls sideways inside its card below `minWidth`, never the page. Memoised:
// a search keystroke renders it again only once the rows shown change.
export const RegisterTable = memo(function RegisterTable({
  entries,
  all,
  sort,
  onSortChange,
  selectedIds,
  onToggle,
  onOpenDetails,
}: Props) {
  const styles = useStyles();
  const columns = useMemo<Column<RegisterEntry>[]>(
    () => [
      {
        id: "select",
        header: "",
        title: "Chosen for an action",
        width: "40px",
        render: (e) => (
          <Checkbox
            aria-label={`Choose ${shownName(e)}`}
            checked={selectedIds.has(e.exemption.id)}
            tabIndex={-1}
            onChange={() => onToggle(e.exemption.id)}
            onClick={(event) => event.stopPropagation()}
          />
        ),
      },
      {
        id: "name",
        className: styles.stackCell,
        header: "Name",
        width: "minmax(170px, 1.4fr)",
        sortable: true,
        render: (e) => (
          <>
            <button
              type="button"
              tabIndex={-1}
              className={styles.nameButton}
              title={`${shownName(e)}: open its details`}
              onClick={(event) => {
                event.stopPropagation();
                onOpenDetails(e);
              }}
            >
              {shownName(e)}
            </button>
            <Truncated text={e.exemption.name} className={styles.mono} />
          </>
        ),
      },
      {
        id: "scope",
        className: styles.stackCell,
        header: "Scope",
        width: "minmax(140px, 1fr)",
        sortable: true,
        render: (e) => (
          <>
            <Truncated text={e.scopeName} title={`${e.scopeName}\n${LEVEL_WORDS[e.level]}`} />
            <Truncated text={LEVEL_WORDS[e.level]} className={styles.muted} />
          </>
        ),
      },
      {
        id: "expires",
        className: styles.stackCell,
        header: "Expires",
        width: "150px",
        sortable: true,
        render: (e) => (
          <>
            <Truncated text={formatExpiryDate(e.exemption.expiresOn)} title={formatExpiry(e.exemption.expiresOn)} />
            <ExpiryBadge state={e.expiry} />
          </>
        ),
      },
      {
        id: "recommendation",
        className: styles.stackCell,
        header: "Recommendation",
        width: "minmax(150px, 1.4fr)",
        sortable: true,
        render: (e) => (
          <>
            <Truncated
              text={recommendationText(e)}
              title={e.recommendations.map((r) => r.displayName).join("\n") || recommendationText(e)}
            />
            {e.recommendations.length > 1 ? (
              <Truncated text={`${e.recommendations.length} recommendations`} className={styles.muted} />
            ) : null}
          </>
        ),
      },
      {
        id: "initiative",
        header: "Initiative",
        width: "minmax(110px, 1fr)",
        sortable: true,
        render: (e) => <Truncated text={e.initiativeName ?? "—"} />,
      },
      {
        id: "category",
        header: "Category",
        width: "90px",
        sortable: true,
        render: (e) => (
          <Truncated
            text={e.exemption.category ? CATEGORY[e.exemption.category]! : "—"}
            title={e.exemption.category ? CATEGORY_TITLE[e.exemption.category] : "No category"}
          />
        ),
      },
      {
        id: "created",
        className: styles.stackCell,
        header: "Created",
        width: "minmax(115px, 0.8fr)",
        sortable: true,
        render: (e) => (
          <>
            <Truncated text={e.createdBy ?? "—"} />
            <Truncated
              text={e.createdAt ? formatExpiryDate(e.createdAt) : ""}
              title={e.createdAt ? formatExpiry(e.createdAt) : ""}
              className={styles.muted}
            />
          </>
        ),
      },
      {
        id: "people",
        className: styles.stackCell,
        header: "Requested by",
        title: "Requested by, and approved by",
        width: "minmax(140px, 0.8fr)",
        sortable: true,
        render: (e) => (
          <>
            <Truncated text={e.requestedBy ?? "—"} title={`Requested by ${e.requestedBy ?? "nobody named"}`} />
            <Truncated text={e.approvedBy ? `Approved: ${e.approvedBy}` : "Approved: —"} className={styles.muted} />
          </>
        ),
      },
    ],
    [styles, selectedIds, onToggle, onOpenDetails],
  );
  // A new sort starts at the top (the grid otherwise keeps the row that was in view).
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const grid = box.current?.querySelector('[role="grid"]');
    if (grid) grid.scrollTop = 0;
  }, [sort]);
  // Space on a row chooses it (Enter opens it): caught before the grid's own keys.
  const onKeyDownCapture = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"][data-id]');
    if (event.key === " " && row && row === event.target) {
      event.preventDefault();
      event.stopPropagation();
      onToggle(row.dataset.id!);
    }
  };
  return (
    <div ref={box} onKeyDownCapture={onKeyDownCapture}>
      <VirtualTable
        aria-label="Exemptions"
        className={styles.table}
        rows={entries}
        source={all}
        rowKey={(e) => e.exemption.id}
        columns={columns}
        rowHeight={60}
        maxHeight="max(240px, calc(100vh - 330px))"
        minWidth="1100px"
        sort={sort}
        onSortChange={onSortChange}
        onOpen={onOpenDetails}
        rowAttributes={(e) => ({ "data-testid": "exemption-row", "data-id": e.exemption.id })}
      />
    </div>
  );
});
