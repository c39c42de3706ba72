import { FluentProvider, webDarkTheme, webLightTheme } from "@fluentui/react-components";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AppShell } from "./AppShell";
import { DatabaseGate } from "./DatabaseGate";
import { createQueryClient } from "./queryClient";
import { useColorScheme } from "./useColorScheme";

export function App({ client }: { client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? createQueryClient());
  const scheme = useColorScheme();
  return (
    <QueryClientProvider client={queryClient}>
      <FluentProvider
        theme={scheme === "dark" ? webDarkTheme : webLightTheme}
        style={{ height: "100%" }}
        data-theme={scheme}
      >
        <DatabaseGate>
          <AppShell />
        </DatabaseGate>
      </FluentProvider>
    </QueryClientProvider>
  );
}
