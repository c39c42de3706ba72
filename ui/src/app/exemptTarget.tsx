import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ExemptionDraft } from "../ipc/bindings";
import { queries } from "../ipc/queries";

/** What the Exempt drawer should show: a recommendation, with a draft to
 * restore or an apply to follow. */
export type ExemptRequest = { key: string; draft?: ExemptionDraft | null; applyId?: string | null };

export type ExemptTarget = {
  request: ExemptRequest | null;
  open: (request: ExemptRequest) => void;
  close: () => void;
  /** Drafts by recommendation key, kept while the app runs. */
  drafts: Map<string, ExemptionDraft>;
};

/** Where focus was when the drawer opened: the row (or button) that opened it. */
type Opener = { element: HTMLElement | null; key: string };

/** Gives focus back to what opened the drawer once it has closed: for about a
 * second (the drawer animates out, and its focus trap lets go at the end), and
 * only while focus is lost (on the page itself, or still in a closing dialog),
 * never taking it from where the user moved it. A row the list drew again is
 * found by its `data-key`. */
export function returnFocus(opener: Opener, tries = 60) {
  const target = () =>
    opener.element?.isConnected
      ? opener.element
      : document.querySelector<HTMLElement>(`[data-key="${CSS.escape(opener.key)}"]`);
  const step = (left: number) => {
    // The page may be gone by now (a window closing, a test's document torn down).
    if (typeof document === "undefined") return;
    const active = document.activeElement;
    const lost = !active || active === document.body || active.closest('[role="dialog"]') !== null;
    const to = target();
    if (lost && to && active !== to) to.focus();
    if (left > 1) setTimeout(() => step(left - 1), 16);
  };
  setTimeout(() => step(tries), 0);
}

const noop = () => {};
const ExemptTargetContext = createContext<ExemptTarget>({ request: null, open: noop, close: noop, drafts: new Map() });

export const useExemptTarget = () => useContext(ExemptTargetContext);

/** Holds which recommendation the Exempt drawer shows, for every screen; on
 * start, reopens the drawer on the draft saved last time. */
export function ExemptTargetProvider({ onOpen, children }: { onOpen?: () => void; children: ReactNode }) {
  const [request, setRequest] = useState<ExemptRequest | null>(null);
  const drafts = useRef(new Map<string, ExemptionDraft>());
  const opener = useRef<Opener | null>(null);
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const target: ExemptTarget = useMemo(
    () => ({
      request,
      open: (r) => {
        if (!request) {
          const active = document.activeElement;
          opener.current = {
            element: active instanceof HTMLElement && active !== document.body ? active : null,
            key: r.key,
          };
        }
        onOpenRef.current?.();
        setRequest(r);
      },
      close: () => {
        setRequest(null);
        const from = opener.current;
        opener.current = null;
        if (from) returnFocus(from);
      },
      drafts: drafts.current,
    }),
    [request],
  );

  const saved = useQuery(queries.draft());
  const unfinished = useQuery(queries.unfinished());
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || !saved.isSuccess || unfinished.isPending) return;
    restored.current = true;
    const draft = saved.data;
    if (!draft) return;
    drafts.current.set(draft.recommendationKey, draft);
    // An interrupted apply of this recommendation comes first: its banner offers
    // Resume, which the reopened pane would cover. The draft waits in the pane.
    const interrupted = (unfinished.data ?? []).some((r) => r.recommendationKey === draft.recommendationKey);
    if (!interrupted) setRequest((r) => r ?? { key: draft.recommendationKey, draft });
  }, [saved.isSuccess, saved.data, unfinished.isPending, unfinished.data]);

  return <ExemptTargetContext.Provider value={target}>{children}</ExemptTargetContext.Provider>;
}
