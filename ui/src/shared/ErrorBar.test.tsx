import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { describe, expect, test, vi } from "vitest";
import type { ErrorPayload } from "../ipc/bindings";
import { ErrorBar } from "./ErrorBar";
import { SignInAgainProvider } from "./signInAgain";

function show(code: string, onSignIn = vi.fn(), details: unknown = null) {
  render(
    <FluentProvider theme={webLightTheme}>
      <SignInAgainProvider onSignIn={onSignIn}>
        <ErrorBar error={{ code, message: "AADSTS700082: The refresh token has expired.", details } as ErrorPayload} />
      </SignInAgainProvider>
    </FluentProvider>,
  );
  return onSignIn;
}

describe("ErrorBar", () => {
  test("a lapsed sign-in offers to sign in again", async () => {
    const onSignIn = show("sign_in");
    expect(screen.getByText(/refresh token has expired/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Sign in again" }));
    expect(onSignIn).toHaveBeenCalledOnce();
  });

  test("Entra's own words are one click away, not in the way", async () => {
    show("sign_in", vi.fn(), { entraError: "invalid_grant", entra: "AADSTS50076: MFA required. Trace ID: abc" });
    expect(screen.queryByText(/Trace ID: abc/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Entra's message" }));
    expect(screen.getByText("AADSTS50076: MFA required. Trace ID: abc")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Hide Entra's message" }));
    expect(screen.queryByText(/Trace ID: abc/)).not.toBeInTheDocument();
  });

  test("a network or keyring failure's technical text is one click away too", async () => {
    show("network", vi.fn(), { technical: "Could not reach https://management.azure.com/: dns error" });
    expect(screen.queryByText(/dns error/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Technical details" }));
    expect(screen.getByText("Could not reach https://management.azure.com/: dns error")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Hide technical details" }));
    expect(screen.queryByText(/dns error/)).not.toBeInTheDocument();
  });

  test("other errors do not", () => {
    show("azure");
    expect(screen.queryByRole("button", { name: "Sign in again" })).not.toBeInTheDocument();
  });
});
