import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test } from "vitest";
import { ExemptibleCell } from "./ExemptibleCell";

const REASON = "Custom recommendations can't be exempted.";

describe("ExemptibleCell", () => {
  test("the tag is described by the reason before its tooltip is mounted, and the tooltip shows it on hover", async () => {
    const user = userEvent.setup();
    render(
      <FluentProvider theme={webLightTheme}>
        <ExemptibleCell reason={REASON} />
      </FluentProvider>,
    );
    const tag = screen.getByTestId("not-exemptible");
    expect(tag).toHaveTextContent("Can't be exempted");
    expect(tag).toHaveAccessibleDescription(REASON);
    // No tooltip (nor its portal) until the pointer comes.
    expect(screen.queryByRole("tooltip", { hidden: true })).toBeNull();
    await user.hover(tag);
    const tooltip = await screen.findByRole("tooltip", { hidden: true });
    expect(tooltip).toHaveTextContent(REASON);
    // (Whether it shows is for a browser: jsdom lays nothing out, and Fluent hides a
    // tooltip whose target has no box. tests-browser/app.test.mjs hovers it.)
    expect(tooltip.id).not.toBe("");
    expect(screen.getByTestId("not-exemptible")).toHaveAttribute("aria-describedby", tooltip.id);
    expect(screen.getByTestId("not-exemptible")).toHaveAccessibleDescription(REASON);
  });

  test("an exemptible recommendation says Yes, with no tooltip", () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <ExemptibleCell reason={null} />
      </FluentProvider>,
    );
    expect(screen.getByText("Yes")).toBeInTheDocument();
    expect(screen.queryByRole("tooltip", { hidden: true })).toBeNull();
  });
});
