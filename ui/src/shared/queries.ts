import { useQuery } from "@tanstack/react-query";
import { commands } from "../ipc/bindings";
import { toErrorPayload } from "./errors";

export const queryKeys = {
  session: ["session"] as const,
  subscriptions: ["subscriptions"] as const,
  recommendations: (ids: readonly string[]) => ["recommendations", ...ids] as const,
  exemptionsRoot: ["exemptions"] as const,
  exemptions: (ids: readonly string[]) => ["exemptions", ...ids] as const,
};

export function useSubscriptions() {
  return useQuery({
    queryKey: queryKeys.subscriptions,
    queryFn: () => commands.listSubscriptions(),
    staleTime: 5 * 60_000,
  });
}

export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: () => commands.sessionInfo(),
    staleTime: Infinity,
  });
}

/** A query's error as an `ErrorPayload`, or null. */
export function queryError(error: unknown) {
  return error ? toErrorPayload(error) : null;
}
