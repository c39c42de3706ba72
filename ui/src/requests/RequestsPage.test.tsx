import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { NavigationProvider, useNavigation } from "../app/navigation";
import type { ExemptionRequest, RequestReview } from "../ipc/bindings";
import { SUBS, emitEvent, preparationFor, resetEvents } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { RequestsPage } from "./RequestsPage";
import { useRequestsChanged } from "./useRequestsChanged";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const { listen: eventListen } = await import("@tauri-apps/api/event");
const invokeMock = vi.mocked(invoke);

const ME = { account: "morgan@contoso.example", objectId: "AAAA-1" };
const RILEY = { account: "riley@contoso.example", objectId: "bbbb-2" };

function request(id: string, by = RILEY, state: ExemptionRequest["state"] = "Pending"): ExemptionRequest {
  return {
    id,
    tenantId: "t",
    state,
    draft: {
      recommendationKey: "k",
      scope: { kind: "subscriptions", ids: [SUBS[0]!.id] },
      name: `name-${id}`,
      displayName: "",
      expiresOn: "2027-03-31",
      utcOffsetMinutes: 0,
      category: "Waiver",
      description: "",
    },
    recommendationName: "Storage accounts should restrict network access",
    scopeSummary: "Contoso Production",
    writes: [],
    checks: [],
    justification: `Because ${id}.`,
    ticket: "https://tickets.example/CHG-1",
    requestedBy: by,
    requestedAt: "2026-11-28T10:00:00Z",
    requesterVerified: true,
    approverChanges: null,
    applyId: null,
    history: [{ state: "Pending", by, at: "2026-11-28T10:00:00Z", note: null }],
  };
}

let requests: ExemptionRequest[];
const review = (r: ExemptionRequest, cannotApprove: string | null = null): RequestReview => ({
  request: r,
  preparation: preparationFor(r.draft),
  differences: r.id === "r1" ? ["An exemption named name-r1 now exists."] : [],
  cannotApprove,
});

function backend() {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    const find = (id: unknown) => requests.find((r) => r.id === id)!;
    switch (cmd) {
      case "session_info":
        return {
          mode: "Demo",
          tenantId: "t",
          account: ME.account,
          objectId: "aaaa-1",
          armEndpoint: "",
          cloud: "Azure",
          profileName: null,
          warning: null,
        };
      case "list_requests":
        return a.kind === "Mine"
          ? requests.filter((r) => r.requestedBy === ME)
          : requests.filter((r) => r.requestedBy !== ME);
      case "review_request": {
        const r = find(a.requestId);
        return review(r, r.requestedBy === ME ? "You made this request: someone else must approve it." : null);
      }
      case "review_request_file":
        return review({ ...request("f1", { account: "kim@x", objectId: "c" }), requesterVerified: false });
      case "choose_request_file":
        return null;
      case "approve_request":
        return "apply-9";
      case "apply_report":
        return { id: "apply-9", startedAt: "2026-12-01T10:00:00Z", recommendationKey: "k", finished: false, items: [] };
      case "reject_request":
      case "request_changes":
        throw { code: "invalid_request", message: "Someone else acted on this request first.", details: null };
      case "open_request_ticket":
        return null;
      case "withdraw_request": {
        const r = find(a.requestId);
        r.state = "Withdrawn";
        return r;
      }
      case "list_subscriptions":
        return SUBS;
      case "list_management_groups":
      case "get_tenant_settings":
        return null;
    }
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}

/** A button in the review pane. Fluent's modal drawer marks what is outside it
 * aria-hidden on its own timers, which jsdom can catch halfway under load: the
 * browser tests find these by role for real; here, hidden ones count too. */
const button = (pane: HTMLElement, name: string | RegExp) =>
  within(pane).findByRole("button", { name, hidden: true }, { timeout: 5000 });

const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

let navigation: ReturnType<typeof useNavigation>;
function Capture() {
  navigation = useNavigation();
  return null;
}
function Listener() {
  useRequestsChanged();
  return null;
}
const renderPage = () =>
  renderWithProviders(
    <NavigationProvider>
      <Capture />
      <RequestsPage />
    </NavigationProvider>,
  );

describe("the Requests screen", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    resetEvents();
    requests = [request("r1"), request("r2"), request("mine", ME, "ChangesRequested")];
    backend();
  });

  test("the approver's queue: open one, see what differs, approve with a shorter expiry, then the apply's progress", async () => {
    const user = userEvent.setup();
    renderPage();
    const rows = await screen.findAllByTestId("request-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText("riley@contoso.example")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("https://tickets.example/CHG-1")).toHaveAttribute("data-link", "true");
    await user.click(rows.find((r) => r.dataset.id === "r1")!);
    const pane = await screen.findByTestId("request-review");
    expect(await within(pane).findByTestId("request-differences")).toHaveTextContent("name-r1 now exists");
    // The ticket opens in the browser: the window names the request, the backend the address.
    await user.click(await button(pane, /https:\/\/tickets\.example\/CHG-1/));
    await waitFor(() => expect(callsOf("open_request_ticket")[0]![1]).toEqual({ requestId: "r1" }));

    const expiry = within(pane).getByLabelText("Expires on");
    await user.type(expiry, "2027-04-30");
    expect(await within(pane).findByText("No later than the requested 2027-03-31.")).toBeInTheDocument();
    await user.clear(expiry);
    await user.type(expiry, "2027-01-31");
    await waitFor(() =>
      expect(callsOf("review_request").map(([, x]) => x)).toContainEqual({
        requestId: "r1",
        changes: { expiresOn: "2027-01-31", category: null },
      }),
    );
    await user.click(await button(pane, "Approve and apply"));
    await user.click(await button(pane, /^Approve and write 1$/));
    await waitFor(() =>
      expect(callsOf("approve_request")[0]![1]).toEqual({
        requestId: "r1",
        planId: "plan-name-r1",
        changes: { expiresOn: "2027-01-31", category: null },
      }),
    );
    expect(await screen.findByTestId("apply-progress")).toBeInTheDocument();
  });

  test("reject needs a reason; someone else acting first is said and the reason stays", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click((await screen.findAllByTestId("request-row"))[1]!);
    const pane = await screen.findByTestId("request-review");
    await user.click(await button(pane, "Reject"));
    // The Reject button made way for the reason: the focus is there, not lost with the button.
    const reason = within(pane).getByRole("textbox", { name: /Reason/, hidden: true });
    expect(reason).toHaveFocus();
    await user.click(await button(pane, "Reject request"));
    expect(within(pane).getByText("Give a reason.")).toBeInTheDocument();
    expect(callsOf("reject_request")).toHaveLength(0);
    await user.type(reason, "Not covered.");
    await user.click(await button(pane, "Reject request"));
    expect(await within(pane).findByText("Couldn't reject the request")).toBeInTheDocument();
    expect(within(pane).getByText("Someone else acted on this request first.")).toBeInTheDocument();
    expect(reason).toHaveValue("Not covered.");
  });

  test("the requester's own: no approval (object ids compared without case), withdraw; a seed opens it", async () => {
    const user = userEvent.setup();
    renderPage();
    await screen.findAllByTestId("request-row");
    act(() => navigation.openRequest({ requestId: "mine" }));
    const pane = await screen.findByTestId("request-review");
    expect(await within(pane).findByTestId("cannot-approve")).toHaveTextContent("someone else must approve it");
    expect(within(pane).queryByRole("button", { name: "Approve and apply", hidden: true })).toBeNull();
    expect(within(pane).queryByRole("button", { name: "Reject", hidden: true })).toBeNull();
    expect(await button(pane, "Resubmit")).toBeInTheDocument();
    await user.click(await button(pane, "Withdraw"));
    await user.click(await button(pane, "Withdraw request"));
    await waitFor(() => expect(callsOf("withdraw_request")[0]![1]).toEqual({ requestId: "mine" }));
    // Done, its button gone: the pane says so and keeps the focus, so Escape still closes it.
    expect(await within(pane).findByText("Withdrawn. Nobody can approve it now.")).toBeInTheDocument();
    expect(within(pane).getByTestId("request-decision")).toHaveFocus();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("request-review")).toBeNull());
  });

  test("a file opened from outside is reviewed from its path, its requester marked unverified", async () => {
    renderPage();
    await screen.findAllByTestId("request-row");
    act(() => navigation.openRequest({ file: "/tmp/kim.exemption-request.json" }));
    const pane = await screen.findByTestId("request-review");
    expect(await within(pane).findByTestId("requester-unverified")).toHaveTextContent(
      "Requester unverified (from a file)",
    );
    expect(callsOf("review_request_file")[0]![1]).toEqual({
      path: "/tmp/kim.exemption-request.json",
      changes: { expiresOn: null, category: null },
    });
  });

  test("news from the backend (requests-changed, heard by the navigation) reads the requests again", async () => {
    renderWithProviders(
      <NavigationProvider>
        <Listener />
        <RequestsPage />
      </NavigationProvider>,
    );
    expect(await screen.findAllByTestId("request-row")).toHaveLength(2);
    requests.push(request("r3"));
    await waitFor(() => expect(vi.mocked(eventListen)).toHaveBeenCalled());
    act(() => emitEvent("requests-changed", null));
    await waitFor(() => expect(screen.getAllByTestId("request-row")).toHaveLength(3));
  });
});
