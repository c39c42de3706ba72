import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { useRefreshAfterApplies } from "../apply/useApply";
import { ExemptTargetProvider } from "../app/exemptTarget";

/** Renders inside the providers the app has, with a fresh query cache. */
export function renderWithProviders(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  // As a wrapper, so that `rerender` keeps the providers too.
  const Providers = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <FluentProvider theme={webLightTheme}>
        <ExemptTargetProvider>
          <RefreshAfterApplies>{children}</RefreshAfterApplies>
        </ExemptTargetProvider>
      </FluentProvider>
    </QueryClientProvider>
  );
  const result = render(ui, { wrapper: Providers });
  return { ...result, client };
}

/** What the app shell mounts once, so a pane rendered alone refreshes as in the app. */
function RefreshAfterApplies({ children }: { children: ReactNode }) {
  useRefreshAfterApplies();
  return children;
}
