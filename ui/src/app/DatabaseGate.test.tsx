import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { DatabaseStatus } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { DatabaseGate } from "./DatabaseGate";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const PATH = "/home/alex/.local/share/app.exemptiondesk.desktop/exemption-desk.sqlite";
const DAMAGED: DatabaseStatus = {
  path: PATH,
  problem: {
    kind: "NotADatabase",
    reason: "The file is not an SQLite database (file is not a database).",
    canMoveAside: true,
  },
  movedTo: null,
};
const MOVED = `${PATH}.damaged-20261201T031500Z`;

function backend(first: DatabaseStatus, answers: Record<string, () => DatabaseStatus | null> = {}) {
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "database_status") return first;
    const answer = answers[cmd];
    if (answer) return answer();
    throw { code: "unknown", message: `unexpected ${String(cmd)}`, details: null };
  });
}
const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

beforeEach(() => {
  invokeMock.mockReset();
});

describe("Database gate", () => {
  test("an open database shows the app and nothing else", async () => {
    backend({ path: PATH, problem: null, movedTo: null });
    renderWithProviders(
      <DatabaseGate>
        <p>the app</p>
      </DatabaseGate>,
    );
    expect(await screen.findByText("the app")).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  test("the app paints at once, before the database has answered", async () => {
    let answer: (status: DatabaseStatus) => void = () => {};
    invokeMock.mockImplementation(
      (cmd: string) =>
        new Promise((resolve) => {
          if (cmd === "database_status") answer = resolve;
        }),
    );
    renderWithProviders(
      <DatabaseGate>
        <p>the app</p>
      </DatabaseGate>,
    );
    expect(screen.getByText("the app")).toBeInTheDocument();
    expect(callsOf("database_status")).toHaveLength(1);
    answer(DAMAGED);
    expect(await screen.findByRole("alertdialog", { name: "The local database can't be used" })).toBeInTheDocument();
    expect(screen.queryByText("the app")).not.toBeInTheDocument();
  });

  test("a damaged database is named with its reason; moving it aside opens the app and says where the file went", async () => {
    backend(DAMAGED, { move_database_aside: () => ({ path: PATH, problem: null, movedTo: MOVED }) });
    const user = userEvent.setup();
    renderWithProviders(
      <DatabaseGate>
        <p>the app</p>
      </DatabaseGate>,
    );
    const dialog = await screen.findByRole("alertdialog", { name: "The local database can't be used" });
    expect(within(dialog).getByText(PATH)).toBeInTheDocument();
    expect(within(dialog).getByText(DAMAGED.problem!.reason)).toBeInTheDocument();
    expect(within(dialog).getByText(/an apply that was cut short stays in it/)).toBeInTheDocument();
    expect(screen.queryByText("the app")).not.toBeInTheDocument();

    // Keyboard: a modal that holds the focus, whose action works from the keyboard.
    expect(dialog).toHaveAttribute("aria-modal", "true");
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));
    const move = within(dialog).getByRole("button", { name: "Move aside and start fresh" });
    move.focus();
    await user.keyboard("{Enter}");

    expect(callsOf("move_database_aside")).toHaveLength(1);
    expect(await screen.findByText("the app")).toBeInTheDocument();
    const kept = await screen.findByRole("dialog", { name: "A fresh local database" });
    expect(within(kept).getByText(MOVED)).toBeInTheDocument();
    await user.click(within(kept).getByRole("button", { name: "OK" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });

  test("when the file cannot be moved aside only Try again and Quit are offered; a failed retry keeps the screen", async () => {
    const readOnly: DatabaseStatus = {
      path: PATH,
      problem: {
        kind: "ReadOnly",
        reason:
          "The file or its folder cannot be written (its folder cannot be written: unable to open database file).",
        canMoveAside: false,
      },
      movedTo: null,
    };
    backend(readOnly, { open_database_again: () => readOnly, quit_app: () => null });
    const user = userEvent.setup();
    renderWithProviders(
      <DatabaseGate>
        <p>the app</p>
      </DatabaseGate>,
    );
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).queryByRole("button", { name: /Move aside/ })).not.toBeInTheDocument();
    expect(within(dialog).getByText(/Fix the cause/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(callsOf("open_database_again")).toHaveLength(1));
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
    expect(screen.queryByText("the app")).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Quit" }));
    expect(callsOf("quit_app")).toHaveLength(1);
  });

  test("a refused move is shown in the dialog, which stays", async () => {
    backend(DAMAGED, {
      move_database_aside: () => {
        throw { code: "local_storage", message: "could not rename: permission denied", details: null };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(
      <DatabaseGate>
        <p>the app</p>
      </DatabaseGate>,
    );
    const dialog = await screen.findByRole("alertdialog");
    await user.click(within(dialog).getByRole("button", { name: "Move aside and start fresh" }));
    expect(await within(dialog).findByText("could not rename: permission denied")).toBeInTheDocument();
    expect(screen.queryByText("the app")).not.toBeInTheDocument();
  });
});
