import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { describe, expect, test, vi } from "vitest";
import { ErrorBar } from "./ErrorBar";
import { SignInAgainProvider } from "./signInAgain";

function show(code: string, onSignIn = vi.fn()) {
  render(
    <FluentProvider theme={webLightTheme}>
      <SignInAgainProvider onSignIn={onSignIn}>
        <ErrorBar error={{ code, message: "AADSTS700082: The refresh token has expired.", details: null }} />
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

  test("other errors do not", () => {
    show("azure");
    expect(screen.queryByRole("button", { name: "Sign in again" })).not.toBeInTheDocument();
  });
});
