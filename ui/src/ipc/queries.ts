import { queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";
import { CHANGE_KEY } from "../apply/changeKey";
import { toErrorPayload } from "../shared/errors";
import {
  commands,
  type ActivityQuery,
  type ApproverChanges,
  type AssessedResource,
  type Exemption,
  type ExemptionDraft,
  type Preparation,
  type Recommendation,
  type RecommendationsSoFar,
  type RegisterEntry,
  type RequestListKind,
  type SessionInfo,
  type Settings,
  type Subscription,
  type TenantSettings,
} from "./bindings";
import { isReadCancelled, streamed, streamedParts } from "./streamedReads";

export { countedSoFar, rowsSoFar } from "./streamedReads";

/** A long read the backend stopped on its own (another read took its place)
 * is read again; one the window stopped never reaches the query. */
const retryCancelled = {
  retry: (failures: number, error: unknown) => isReadCancelled(error) && failures < 2,
  retryDelay: 0,
};

/** How long a recommendation's resources stay cached once nothing shows them:
 * long enough to close and open the same one again, short enough that a
 * browse through a tenant holds a few lists, not every one it opened. */
export const RESOURCES_KEPT = 30_000;

/** A streamed read's rows so far are marked by identity (`rowsSoFar`), which
 * structural sharing would copy away; a list read again is new anyway. */
const streamedOptions = { ...retryCancelled, structuralSharing: false } as const;

/** Which request a review reads: one in the table (by id), or a request file (by its path when known). */
export type ReviewSource = { id: string; path: string | null };

/** Every query key the UI uses, in one place. A key starts with the name of
 * what it reads; the `...Root` keys match every key under that name, for
 * invalidation. */
export const queryKeys = {
  session: ["session"] as const,
  profiles: ["profiles"] as const,
  databaseStatus: ["databaseStatus"] as const,
  subscriptions: ["subscriptions"] as const,
  managementGroups: ["managementGroups"] as const,
  writeAccess: ["writeAccess"] as const,
  recommendationsRoot: ["recommendations"] as const,
  recommendations: (ids: readonly string[]) => ["recommendations", ...ids] as const,
  exemptionsRoot: ["exemptions"] as const,
  exemptions: (ids: readonly string[]) => ["exemptions", ...ids] as const,
  /** Every exemption at every level (the register), and the ones expiring soon (the navigation's count). */
  register: ["register"] as const,
  expiring: ["expiringExemptions"] as const,
  settings: ["settings"] as const,
  about: ["about"] as const,
  diagnostics: ["diagnostics"] as const,
  resourcesRoot: ["resources"] as const,
  resourcesOf: (key: string) => ["resources", key] as const,
  resources: (key: string, ids: readonly string[]) => ["resources", key, ...ids] as const,
  /** The checks and planned writes for one draft (the backend registers a plan
   * per answer; it reads Azure once per choice of recommendation and scope,
   * so a draft differing only in its text is answered without a request). */
  preparationRoot: ["preparation"] as const,
  preparation: (draft: ExemptionDraft) => ["preparation", draft] as const,
  effectRoot: ["effect"] as const,
  effect: (applyId: string) => ["effect", applyId] as const,
  unfinished: ["unfinishedApplies"] as const,
  draft: ["draft"] as const,
  exemptionDetailsRoot: ["exemptionDetails"] as const,
  exemptionDetails: (id: string) => ["exemptionDetails", id] as const,
  /** Requests in the tenant's shared table, one list per view; a review is read under the approver's identity. */
  requestsRoot: ["requests"] as const,
  requests: (kind: RequestListKind) => ["requests", kind] as const,
  requestReviewRoot: ["requestReview"] as const,
  requestReview: (source: ReviewSource, changes: ApproverChanges) => ["requestReview", source, changes] as const,
  tenantSettings: ["tenantSettings"] as const,
  activityRoot: ["activity"] as const,
  activity: (query: ActivityQuery) => ["activity", query] as const,
};

/** Every read: its key and the command that answers it, typed together. */
export const queries = {
  session: () =>
    queryOptions({ queryKey: queryKeys.session, queryFn: () => commands.sessionInfo(), staleTime: Infinity }),
  profiles: () => queryOptions({ queryKey: queryKeys.profiles, queryFn: () => commands.listProfiles() }),
  databaseStatus: () =>
    queryOptions({ queryKey: queryKeys.databaseStatus, queryFn: () => commands.databaseStatus(), staleTime: Infinity }),
  subscriptions: () =>
    queryOptions({
      queryKey: queryKeys.subscriptions,
      queryFn: () => commands.listSubscriptions(),
      staleTime: 5 * 60_000,
    }),
  /** The management-group tree; `null` when the user can't read management groups. */
  managementGroups: () =>
    queryOptions({
      queryKey: queryKeys.managementGroups,
      queryFn: () => commands.listManagementGroups(),
      staleTime: 5 * 60_000,
    }),
  /** Whether the user may write exemptions at any subscription. */
  writeAccess: () =>
    queryOptions({ queryKey: queryKeys.writeAccess, queryFn: () => commands.writeAccess(), staleTime: 5 * 60_000 }),
  /** The list so far after each part of the subscriptions is counted (see
   * `streamedParts`, `countedSoFar`); cancelled when nobody shows it. */
  recommendations: (ids: readonly string[]) =>
    queryOptions({
      queryKey: queryKeys.recommendations(ids),
      queryFn: (context) =>
        streamedParts<Recommendation, RecommendationsSoFar>(
          context,
          (part) => part.recommendations,
          (readId, onParts) => commands.listRecommendations(readId, [...ids], onParts),
        ),
      ...streamedOptions,
    }),
  /** Rows appear as they arrive (see `streamed`); cancelled when nobody shows them. */
  exemptions: (ids: readonly string[]) =>
    queryOptions({
      queryKey: queryKeys.exemptions(ids),
      queryFn: (context) =>
        streamed<Exemption>(context, (readId, onRows) => commands.listExemptions(readId, [...ids], onRows)),
      ...streamedOptions,
    }),
  /** The register: every level; rows appear as they arrive; cancelled when nobody shows it. */
  register: () =>
    queryOptions({
      queryKey: queryKeys.register,
      queryFn: (context) =>
        streamed<RegisterEntry>(context, (readId, onRows) => commands.exemptionRegister(readId, onRows)),
      ...streamedOptions,
    }),
  expiring: () =>
    queryOptions({
      queryKey: queryKeys.expiring,
      queryFn: () => commands.expiringExemptions(),
      staleTime: 5 * 60_000,
      refetchInterval: 60 * 60_000,
    }),
  settings: () =>
    queryOptions({ queryKey: queryKeys.settings, queryFn: () => commands.getSettings(), staleTime: Infinity }),
  /** The version and the bundled licenses: fixed for the life of the binary. */
  about: () => queryOptions({ queryKey: queryKeys.about, queryFn: () => commands.about(), staleTime: Infinity }),
  /** The text *Copy diagnostics* copies, read ahead: WebKit lets a click write to the clipboard only at once. */
  diagnostics: () =>
    queryOptions({ queryKey: queryKeys.diagnostics, queryFn: () => commands.diagnostics(), staleTime: 0 }),
  /** Every resource Defender assessed for a recommendation, across the given
   * subscriptions; rows appear as they arrive; cancelled when nobody shows them.
   * Thousands of rows each: a closed recommendation's leave the cache after
   * `RESOURCES_KEPT` (not React Query's 5 minutes), or a browse through a large
   * tenant keeps every one it opened in the web process. */
  resources: (key: string, ids: readonly string[]) =>
    queryOptions({
      queryKey: queryKeys.resources(key, ids),
      queryFn: (context) =>
        streamed<AssessedResource>(context, (readId, onRows) =>
          commands.recommendationResources(readId, key, [...ids], onRows),
        ),
      staleTime: 60_000,
      gcTime: RESOURCES_KEPT,
      ...streamedOptions,
    }),
  preparation: (draft: ExemptionDraft) =>
    queryOptions({
      queryKey: queryKeys.preparation(draft),
      queryFn: () => commands.prepareExemption(draft),
      gcTime: 60_000,
    }),
  effect: (applyId: string) =>
    queryOptions({ queryKey: queryKeys.effect(applyId), queryFn: () => commands.effectStatus(applyId) }),
  unfinished: () =>
    queryOptions({ queryKey: queryKeys.unfinished, queryFn: () => commands.unfinishedApplies(), staleTime: Infinity }),
  draft: () => queryOptions({ queryKey: queryKeys.draft, queryFn: () => commands.loadDraft(), staleTime: Infinity }),
  /** One exemption as Azure returned it, what it covers and the app's audit of it. */
  exemptionDetails: (id: string) =>
    queryOptions({ queryKey: queryKeys.exemptionDetails(id), queryFn: () => commands.exemptionDetails(id) }),
  /** One view of the requests; read again when the backend says they changed (`requests-changed`),
   * and whenever the Requests screen opens: another desk may have acted since (one table read). */
  requests: (kind: RequestListKind) =>
    queryOptions({ queryKey: queryKeys.requests(kind), queryFn: () => commands.listRequests(kind), staleTime: 0 }),
  /** A request made again under the approver's identity with the approver's
   * changes (each answer registers a plan); a file is read from its path, or,
   * once opened, by its id. Read anew whenever it is opened. */
  requestReview: (source: ReviewSource, changes: ApproverChanges) =>
    queryOptions({
      queryKey: queryKeys.requestReview(source, changes),
      queryFn: () =>
        source.path !== null
          ? commands.reviewRequestFile(source.path, changes)
          : commands.reviewRequest(source.id, changes),
      staleTime: 0,
      gcTime: 60_000,
    }),
  /** The signed-in tenant profile's request table and policy. */
  tenantSettings: () =>
    queryOptions({
      queryKey: queryKeys.tenantSettings,
      queryFn: () => commands.getTenantSettings(),
      staleTime: 5 * 60_000,
    }),
  /** The local audit log, newest first, as filtered. */
  activity: (query: ActivityQuery) =>
    queryOptions({ queryKey: queryKeys.activity(query), queryFn: () => commands.activityLog(query) }),
};

/** The resources an apply can change: its recommendation's, or any
 * recommendation's for a change to existing exemptions (or when unknown). */
function resourcesTouched(recommendationKey: string | null) {
  return recommendationKey && recommendationKey !== CHANGE_KEY
    ? queryKeys.resourcesOf(recommendationKey)
    : queryKeys.resourcesRoot;
}

/** What each write makes stale. Every write that changes what a query reads
 * goes through one of these. */
export const invalidate = {
  /** An apply finished (or a retry or resume of it did): Azure holds new exemptions. */
  afterApply(client: QueryClient, applyId: string, recommendationKey: string | null) {
    void client.invalidateQueries({ queryKey: queryKeys.exemptionsRoot });
    void client.invalidateQueries({ queryKey: queryKeys.exemptionDetailsRoot });
    void client.invalidateQueries({ queryKey: queryKeys.register });
    void client.invalidateQueries({ queryKey: queryKeys.expiring });
    void client.invalidateQueries({ queryKey: queryKeys.recommendationsRoot });
    void client.invalidateQueries({ queryKey: resourcesTouched(recommendationKey) });
    void client.invalidateQueries({ queryKey: queryKeys.effect(applyId) });
    void client.invalidateQueries({ queryKey: queryKeys.unfinished });
  },
  /** The effect tracker saw Defender for Cloud catch up (more resources
   * exempt, or all of them): the counts in the list and the resources in the
   * drawer are read again. */
  afterEffectChange(client: QueryClient, recommendationKey: string | null) {
    void client.invalidateQueries({ queryKey: queryKeys.recommendationsRoot });
    void client.invalidateQueries({ queryKey: resourcesTouched(recommendationKey) });
  },
  /** The session changed (sign in, a profile, the demo): the new session goes
   * straight in, everything else is read again. */
  afterSessionSwitch(client: QueryClient, info: SessionInfo) {
    client.setQueryData(queryKeys.session, info);
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
  },
  afterSignOut(client: QueryClient) {
    void client.invalidateQueries({ queryKey: queryKeys.profiles });
    void client.invalidateQueries({ queryKey: queryKeys.session });
  },
  /** "Check again" read the choice anew: its answer goes straight in; the
   * answers kept for other drafts were made from older reads. */
  afterRecheck(client: QueryClient, draft: ExemptionDraft, preparation: Preparation) {
    void client.invalidateQueries({ queryKey: queryKeys.preparationRoot, refetchType: "none" });
    client.setQueryData(queryKeys.preparation(draft), preparation);
  },
  /** Defender for Cloud may read the management group now: run the checks again. */
  afterGrantReader(client: QueryClient) {
    return client.invalidateQueries({ queryKey: queryKeys.preparationRoot });
  },
  /** New settings (the reminder window) change which exemptions count as expiring soon. */
  afterSettingsSaved(client: QueryClient, settings: Settings) {
    client.setQueryData(queryKeys.settings, settings);
    void client.invalidateQueries({ queryKey: queryKeys.register });
    void client.invalidateQueries({ queryKey: queryKeys.expiring });
  },
  /** A request was submitted, decided, withdrawn or resubmitted (here or, by the
   * `requests-changed` event, elsewhere): every view of the requests is read again,
   * and the activity log has a line more. */
  afterRequestChange(client: QueryClient) {
    void client.invalidateQueries({ queryKey: queryKeys.requestsRoot });
    void client.invalidateQueries({ queryKey: queryKeys.requestReviewRoot });
    void client.invalidateQueries({ queryKey: queryKeys.activityRoot });
  },
  /** Another table or policy: the requests are read from where they now live. */
  afterTenantSettingsSaved(client: QueryClient, settings: TenantSettings) {
    client.setQueryData(queryKeys.tenantSettings, settings);
    void client.invalidateQueries({ queryKey: queryKeys.requestsRoot });
    void client.invalidateQueries({ queryKey: queryKeys.preparationRoot });
  },
  /** The database opened again: what failed while it was unusable is read again. */
  afterDatabaseOpened(client: QueryClient) {
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.databaseStatus[0] });
  },
};

export const useSession = () => useQuery(queries.session());
export const useSubscriptions = () => useQuery(queries.subscriptions());
/** The subscriptions before they are read: one array, so a memoised screen given it renders once. */
export const NO_SUBSCRIPTIONS: readonly Subscription[] = [];
export const useManagementGroups = () => useQuery(queries.managementGroups());

export function useRecommendationResources(key: string, subscriptionIds: readonly string[], enabled = true) {
  return useQuery({ ...queries.resources(key, subscriptionIds), enabled: enabled && subscriptionIds.length > 0 });
}

/** A query's error as an `ErrorPayload`, or null. A read that was cancelled
 * is no error to show: nobody waits for it. */
export function queryError(error: unknown) {
  return error && !isReadCancelled(error) ? toErrorPayload(error) : null;
}
