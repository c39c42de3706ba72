import { useMemo, useState } from "react";
import { matches } from "./pickerStyles";

/**
 * A searchable multi-select over `all` (kept in its own order, whatever
 * order items were picked in): the search text, what it shows, and toggling
 * one item or every shown item.
 */
export function useSearchableSelection<T>(
  all: readonly T[],
  idOf: (item: T) => string,
  textOf: (item: T) => string,
  selected: readonly string[],
  onChange: (ids: string[]) => void,
) {
  const [search, setSearch] = useState("");
  const shown = useMemo(() => all.filter((item) => matches(textOf(item), search)), [all, search, textOf]);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const shownChosen = useMemo(
    () => shown.reduce((n, item) => n + (chosen.has(idOf(item)) ? 1 : 0), 0),
    [shown, chosen, idOf],
  );
  const set = (next: Set<string>) => onChange(all.map(idOf).filter((id) => next.has(id)));
  const toggle = (id: string, checked: boolean) => {
    const next = new Set(chosen);
    if (checked) next.add(id);
    else next.delete(id);
    set(next);
  };
  const selectAll = (checked: boolean) => {
    const next = new Set(chosen);
    for (const item of shown) {
      if (checked) next.add(idOf(item));
      else next.delete(idOf(item));
    }
    set(next);
  };
  /** The select-all checkbox's state for what is shown. */
  const allShown: boolean | "mixed" = shownChosen === 0 ? false : shownChosen === shown.length ? true : "mixed";
  return { search, setSearch, shown, chosen, toggle, selectAll, allShown };
}
