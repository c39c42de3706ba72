import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeAll, describe, expect, test } from "vitest";
import { compareText, countLabel, useListView, type SortState } from "./listView";
import { VirtualTable, type Column } from "./VirtualTable";

type Row = { id: string; name: string; size: number };
const makeRows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({
    id: `id-${from + i}`,
    name: `${(from + i) % 2 === 0 ? "Even" : "Odd"} row ${from + i}`,
    size: (from + i) % 7,
  }));
const COMPARES = { name: (a: Row, b: Row) => compareText(a.name, b.name), size: (a: Row, b: Row) => a.size - b.size };
const searchText = (r: Row) => r.name;
const COLUMNS: Column<Row>[] = [
  { id: "name", header: "Name", width: "1fr", sortable: true, render: (r) => r.name },
  { id: "size", header: "Size", width: "80px", sortable: true, render: (r) => String(r.size) },
];

/** A page as the app builds them: a search box, "N of M shown", and the table. */
function Harness({ rows, onOpen }: { rows: readonly Row[]; onOpen?: (r: Row) => void }) {
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortState>(null);
  const { shown } = useListView(rows, { searchText, search, sort, compares: COMPARES });
  return (
    <FluentProvider theme={webLightTheme}>
      <input aria-label="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
      <span data-testid="count">{countLabel(shown.length, rows.length, "row", false)}</span>
      <VirtualTable
        aria-label="Rows"
        rows={shown}
        rowKey={(r) => r.id}
        columns={COLUMNS}
        rowHeight={40}
        maxHeight="600px"
        sort={sort}
        onSortChange={setSort}
        onOpen={onOpen}
        rowAttributes={(r) => ({ "data-testid": "row", "data-id": r.id })}
        source={rows}
      />
    </FluentProvider>
  );
}

const renderedIds = () => screen.queryAllByTestId("row").map((r) => r.getAttribute("data-id"));
const focusedId = () => (document.activeElement as HTMLElement | null)?.getAttribute("data-id");
const selectedIds = () =>
  screen
    .queryAllByTestId("row")
    .filter((r) => r.getAttribute("aria-selected") === "true")
    .map((r) => r.getAttribute("data-id"));

beforeAll(() => {
  // jsdom lays nothing out and does not scroll: give the table's content a
  // height (the header and its rows' total) and make scrollTo move it.
  Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
    configurable: true,
    get(this: HTMLElement) {
      const body = this.lastElementChild as HTMLElement | null;
      return 36 + (Number.parseFloat(body?.style.height ?? "") || 0);
    },
  });
  HTMLElement.prototype.scrollTo = function (this: HTMLElement, options?: ScrollToOptions | number) {
    if (typeof options === "object" && options.top !== undefined) this.scrollTop = options.top;
    this.dispatchEvent(new Event("scroll"));
  } as HTMLElement["scrollTo"];
});

describe("VirtualTable with useListView", () => {
  test("50,000 rows put only a screenful in the DOM, and say how many rows there are", () => {
    render(<Harness rows={makeRows(0, 50_000)} />);
    const grid = screen.getByRole("grid", { name: "Rows" });
    expect(grid).toHaveAttribute("aria-rowcount", "50001");
    expect(renderedIds().length).toBeGreaterThan(0);
    expect(renderedIds().length).toBeLessThan(60);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Size"]);
    expect(screen.getByTestId("count")).toHaveTextContent("50,000 rows");
  });

  test("a search keeps the rows holding every word, any case, and counts them", async () => {
    const user = userEvent.setup();
    render(<Harness rows={makeRows(0, 1000)} />);
    await user.type(screen.getByRole("textbox", { name: "Search" }), "ODD 99");
    // Odd rows 99, 199, …, 999 and 990–998's odd ones.
    const expected = makeRows(0, 1000).filter((r) => r.name.startsWith("Odd") && r.name.includes("99"));
    expect(screen.getByTestId("count")).toHaveTextContent(`${expected.length} of 1,000 shown`);
    expect(renderedIds()).toEqual(expected.map((r) => r.id));
    expect(screen.getByRole("grid")).toHaveAttribute("aria-rowcount", String(expected.length + 1));
    // Typing on narrows what was found; taking a character back widens it again.
    await user.type(screen.getByRole("textbox", { name: "Search" }), "{Backspace}");
    const wider = makeRows(0, 1000).filter((r) => r.name.startsWith("Odd") && r.name.includes("9"));
    expect(screen.getByTestId("count")).toHaveTextContent(`${wider.length} of 1,000 shown`);
  });

  test("a search over more rows than a keystroke looks at in its render (in slices between frames) finds them all the same", async () => {
    const user = userEvent.setup();
    const rows = makeRows(0, 30_000);
    render(<Harness rows={rows} />);
    await user.type(screen.getByRole("textbox", { name: "Search" }), "row 2999");
    const expected = rows.filter((r) => r.name.includes("2999"));
    await screen.findByText(`${expected.length} of 30,000 shown`);
    expect(renderedIds()).toEqual(expected.map((r) => r.id));
    await user.clear(screen.getByRole("textbox", { name: "Search" }));
    expect(screen.getByTestId("count")).toHaveTextContent("30,000 rows");
  });

  test("a keystroke that changes the rows renders the rows in view at once, those beyond the view after the next paint", async () => {
    const rows = makeRows(0, 5000);
    render(<Harness rows={rows} />);
    // 600 px less the header: 15 rows and a part in view, and 3 beyond.
    const inView = Math.ceil((600 - 36) / 40) + 1;
    expect(renderedIds()).toEqual(rows.slice(0, inView + 3).map((r) => r.id));
    act(() => void fireEvent.change(screen.getByRole("textbox", { name: "Search" }), { target: { value: "even" } }));
    const even = rows.filter((r) => r.name.startsWith("Even"));
    expect(screen.getByTestId("count")).toHaveTextContent("2,500 of 5,000 shown");
    expect(renderedIds()).toEqual(even.slice(0, inView).map((r) => r.id));
    await waitFor(() => expect(renderedIds()).toEqual(even.slice(0, inView + 3).map((r) => r.id)));
  });

  test("with focus in the table, rows beyond the view stay when the rows change", async () => {
    const user = userEvent.setup();
    const first = makeRows(0, 3000);
    const { rerender } = render(<Harness rows={first} />);
    await user.click(screen.getByText("Even row 4"));
    const count = renderedIds().length;
    rerender(<Harness rows={[...first, ...makeRows(3000, 3100)]} />);
    expect(renderedIds()).toHaveLength(count);
    expect(focusedId()).toBe("id-4");
  });

  test("a header click sorts ascending, again descending, a third time back to the list's order", async () => {
    const user = userEvent.setup();
    const rows = makeRows(0, 10);
    render(<Harness rows={rows} />);
    const header = screen.getByRole("columnheader", { name: "Size" });
    await user.click(within(header).getByRole("button"));
    expect(header).toHaveAttribute("aria-sort", "ascending");
    const sizes = () => screen.getAllByTestId("row").map((r) => Number(r.lastElementChild?.textContent));
    expect(sizes()).toEqual([0, 0, 1, 1, 2, 2, 3, 4, 5, 6]);
    // Ties keep the order the rows came in.
    expect(renderedIds().slice(0, 2)).toEqual(["id-0", "id-7"]);
    await user.click(within(header).getByRole("button"));
    expect(header).toHaveAttribute("aria-sort", "descending");
    expect(sizes()).toEqual([6, 5, 4, 3, 2, 2, 1, 1, 0, 0]);
    await user.click(within(header).getByRole("button"));
    expect(header).not.toHaveAttribute("aria-sort");
    expect(renderedIds()).toEqual(rows.map((r) => r.id));
  });

  test("arrow keys, Home/End and PageUp/PageDown move the focus between rows, scrolling it into view", async () => {
    const user = userEvent.setup();
    const opened: string[] = [];
    render(<Harness rows={makeRows(0, 5000)} onOpen={(r) => opened.push(r.id)} />);
    // One row is in the tab order; Tab reaches it from the search box, after the two sort buttons.
    await user.click(screen.getByRole("textbox", { name: "Search" }));
    await user.tab();
    await user.tab();
    await user.tab();
    expect(focusedId()).toBe("id-0");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(focusedId()).toBe("id-2");
    expect(selectedIds()).toEqual(["id-2"]);
    await user.keyboard("{ArrowUp}");
    expect(focusedId()).toBe("id-1");
    await user.keyboard("{End}");
    await screen.findByText("Odd row 4999");
    expect(focusedId()).toBe("id-4999");
    expect(document.activeElement).toHaveAttribute("aria-rowindex", "5001");
    await user.keyboard("{PageUp}");
    const up = Number(focusedId()?.slice(3));
    expect(up).toBeLessThan(4999);
    expect(up).toBeGreaterThan(4980);
    await user.keyboard("{Home}");
    expect(focusedId()).toBe("id-0");
    await user.keyboard("{PageDown}");
    expect(Number(focusedId()?.slice(3))).toBe(4999 - up);
    await user.keyboard("{Enter}");
    expect(opened).toEqual([focusedId()]);
    // Only the focused row is tabbable.
    expect(screen.getAllByTestId("row").filter((r) => r.tabIndex === 0)).toHaveLength(1);
  });

  test("rows arriving while the table is open keep the focus, the selection and the scroll position", async () => {
    const user = userEvent.setup();
    const first = makeRows(0, 3000);
    const { rerender } = render(<Harness rows={first} />);
    const grid = screen.getByRole("grid");
    await user.click(screen.getByText("Even row 4"));
    await user.keyboard("{ArrowDown}");
    expect(focusedId()).toBe("id-5");
    act(() => {
      grid.scrollTop = 200;
      grid.dispatchEvent(new Event("scroll"));
    });

    // Another batch: the same row objects and more after them.
    rerender(<Harness rows={[...first, ...makeRows(3000, 6000)]} />);
    expect(grid).toHaveAttribute("aria-rowcount", "6001");
    expect(focusedId()).toBe("id-5");
    expect(selectedIds()).toEqual(["id-5"]);
    act(() => void grid.dispatchEvent(new Event("scroll")));
    expect(grid.scrollTop).toBe(200);
    await user.keyboard("{ArrowDown}");
    expect(focusedId()).toBe("id-6");
  });

  test("a batch sorted in above the rows in view keeps the first row in view where it was", async () => {
    const user = userEvent.setup();
    const first = makeRows(100, 3000);
    const { rerender } = render(<Harness rows={first} />);
    await user.click(within(screen.getByRole("columnheader", { name: "Name" })).getByRole("button"));
    const grid = screen.getByRole("grid");
    act(() => {
      grid.scrollTop = 40 * 500 + 10;
      grid.dispatchEvent(new Event("scroll"));
    });
    const topRow = () =>
      screen
        .getAllByTestId("row")
        .find((r) => Number(r.getAttribute("aria-rowindex")) - 2 === Math.floor(grid.scrollTop / 40))
        ?.getAttribute("data-id");
    const anchored = topRow();
    expect(anchored).toBeTruthy();
    // Rows 0–99 sort in among them ("Even row 0" < "Even row 100" …).
    rerender(<Harness rows={[...makeRows(0, 100), ...first]} />);
    // (A browser reports the scroll the table made; jsdom needs telling.)
    act(() => void grid.dispatchEvent(new Event("scroll")));
    expect(grid.scrollTop).toBeGreaterThan(40 * 500 + 10);
    expect(topRow()).toBe(anchored);
  });

  test("rows read again (new objects) keep the first row in view by its key; a search that takes it away goes to the top", async () => {
    const user = userEvent.setup();
    const { rerender } = render(<Harness rows={makeRows(0, 3000)} />);
    const grid = screen.getByRole("grid");
    act(() => {
      grid.scrollTop = 40 * 500 + 10;
      grid.dispatchEvent(new Event("scroll"));
    });
    expect(screen.getAllByTestId("row").map((r) => r.getAttribute("data-id"))).toContain("id-500");
    // Read again: every row a new object, 100 new ones before them.
    rerender(<Harness rows={[...makeRows(3000, 3100), ...makeRows(0, 3000)]} />);
    act(() => void grid.dispatchEvent(new Event("scroll")));
    expect(grid.scrollTop).toBe(40 * 600 + 10);
    // "Even row 500" is not an odd row: the search takes it away, and the table shows the top.
    await user.type(screen.getByRole("textbox", { name: "Search" }), "odd");
    await screen.findByText("1,550 of 3,100 shown");
    act(() => void grid.dispatchEvent(new Event("scroll")));
    expect(grid.scrollTop).toBe(0);
    expect(renderedIds()[0]).toBe("id-3001");
  });
});
