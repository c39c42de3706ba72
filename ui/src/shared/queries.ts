import { useQuery } from "@tanstack/react-query";
import { commands } from "../ipc/bindings";
import { toErrorPayload } from "./errors";

export const queryKeys = {
  session: ["session"] as const,
  subscriptions: ["subscriptions"] as const,
  recommendations: (ids: readonly string[]) => ["recommendations", ...ids] as const,
  exemptionsRoot: ["exemptions"] as const,
  exemptions: (ids: readonly string[]) => ["exemptions", ...ids] as const,
  managementGroups: ["managementGroups"] as const,
  resources: (key: string, ids: readonly string[]) => ["resources", key, ...ids] as const,
  effect: (applyId: string) => ["effect", applyId] as const,
  unfinished: ["unfinishedApplies"] as const,
  draft: ["draft"] as const,
};

export function useSubscriptions() {
  return useQuery({
    queryKey: queryKeys.subscriptions,
    queryFn: () => commands.listSubscriptions(),
    staleTime: 5 * 60_000,
  });
}

/** The management-group tree; `null` when the user can't read management groups. */
export function useManagementGroups() {
  return useQuery({
    queryKey: queryKeys.managementGroups,
    queryFn: () => commands.listManagementGroups(),
    staleTime: 5 * 60_000,
  });
}

/** Every resource Defender assessed for a recommendation, across the user's subscriptions. */
export function useRecommendationResources(key: string, subscriptionIds: readonly string[], enabled = true) {
  return useQuery({
    queryKey: queryKeys.resources(key, subscriptionIds),
    queryFn: () => commands.recommendationResources(key, [...subscriptionIds]),
    enabled: enabled && subscriptionIds.length > 0,
    staleTime: 60_000,
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
