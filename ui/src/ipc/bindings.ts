// Generated from the Rust types in src-tauri/crates/core (bindings.rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p exemption-desk-core bindings` instead.

import { invoke } from "@tauri-apps/api/core";

export type ErrorPayload = { 
/**
 * Stable, machine-readable: `invalid_request`, `not_exemptible`, `azure_...`.
 */
code: string, 
/**
 * A sentence a user can act on.
 */
message: string, 
/**
 * Structured extras (field errors, Azure's error body), when there are any.
 */
details: unknown, };

export type SessionMode = "Demo" | "External" | "Profile";

export type SessionInfo = { mode: SessionMode, tenantId: string, 
/**
 * UPN for a user, application id for a service principal.
 */
account: string, objectId: string, armEndpoint: string, 
/**
 * The cloud's name for people ("Azure", "Azure US Government", …).
 */
cloud: string, profileName: string | null, 
/**
 * Something the user should know about the session, e.g. that no keyring
 * was available so the sign-in lasts only until the app closes.
 */
warning: string | null, };

export type CloudKind = "Public" | "UsGovernment" | "China" | "Custom";

export type CloudChoice = { kind: CloudKind, 
/**
 * Custom only: Entra's host, ARM and Graph base URLs.
 */
authorityHost: string | null, armEndpoint: string | null, graphEndpoint: string | null, 
/**
 * Custom only: the token audience Resource Manager expects (e.g.
 * `https://management.stack.example/`); empty for the endpoint's origin.
 */
armAudience?: string | null, };

export type SignInMethod = "Browser" | "DeviceCode" | "AzureCli" | "ServicePrincipal" | "ServicePrincipalCertificate";

export type SignInRequest = { 
/**
 * The profile to remember this sign-in under.
 */
profileName: string, cloud: CloudChoice, 
/**
 * A tenant id or domain, or `organizations` for any work account.
 */
tenant: string, method: SignInMethod, 
/**
 * Empty for the default public client (see the README).
 */
clientId: string, 
/**
 * Service principal with a secret only.
 */
clientSecret: string, 
/**
 * Service principal with a certificate only: the file on this machine.
 */
certificatePath: string, 
/**
 * The PKCS #12 file's password, if it has one (kept in the OS keyring).
 */
certificatePassword: string, 
/**
 * Browser only: the account to suggest.
 */
loginHint: string, };

export type Profile = { name: string, cloud: CloudChoice, tenant: string, method: SignInMethod, clientId: string, 
/**
 * Service principal with a certificate: the certificate file (its
 * password, if any, is in the OS keyring).
 */
certificatePath: string, 
/**
 * Who signed in last time.
 */
account: string, };

export type DeviceCodePrompt = { userCode: string, verificationUri: string, message: string, expiresInSeconds: bigint, };

export type Subscription = { 
/**
 * The bare GUID (`subscriptionId`), not the `/subscriptions/…` path.
 */
id: string, displayName: string, state: string, };

export type ManagementGroupNode = { 
/**
 * The group's name (its id segment), e.g. `contoso`.
 */
name: string, displayName: string, children: Array<ManagementGroupNode>, 
/**
 * Bare ids of the subscriptions directly under this group.
 */
subscriptionIds: Array<string>, };

export type ScopeChoice = { "kind": "managementGroup", name: string, } | { "kind": "subscriptions", ids: Array<string>, } | { "kind": "resourceGroups", ids: Array<string>, } | { "kind": "resources", ids: Array<string>, };

export type AssessmentType = "BuiltIn" | "CustomPolicy" | "CustomerManaged" | "VerifiedPartner" | "Unknown";

export type Severity = "High" | "Medium" | "Low" | "Unknown";

export type Recommendation = { 
/**
 * The assessment key (the metadata's `name`, a GUID).
 */
key: string, displayName: string, description: string, severity: Severity, assessmentType: AssessmentType, 
/**
 * The policy definition behind the recommendation, if Defender gives one.
 */
policyDefinitionId: string | null, unhealthyCount: number, healthyCount: number, notApplicableCount: number, 
/**
 * `None` when the recommendation can be exempted; otherwise why not.
 */
notExemptibleReason: string | null, };

export type ResourceStatus = "Healthy" | "Unhealthy" | "NotApplicable" | "Unknown";

export type AssessedResource = { 
/**
 * The resource's ARM id (a subscription id for subscription-level assessments).
 */
id: string, name: string, 
/**
 * e.g. `Microsoft.Storage/storageAccounts`.
 */
resourceType: string, subscriptionId: string, resourceGroup: string | null, status: ResourceStatus, 
/**
 * Defender's cause for Not applicable (`Exempt`, `OffByPolicy`, …).
 */
cause: string | null, 
/**
 * For an exempt resource: the id of the exemption that applies to it, when known.
 */
exemptionId: string | null, };

export type ExemptionCategory = "Mitigated" | "Waiver";

export type ExemptionDraft = { 
/**
 * The recommendation's assessment key.
 */
recommendationKey: string, 
/**
 * Where the exemption applies.
 */
scope: ScopeChoice, 
/**
 * The exemption's resource name.
 */
name: string, 
/**
 * Shown in the portal; the name when left empty.
 */
displayName: string, 
/**
 * A calendar date `YYYY-MM-DD` in the user's time zone; the exemption
 * ends at the end of that day.
 */
expiresOn: string | null, 
/**
 * The user's offset from UTC in minutes, east positive (UTC+1 is 60).
 */
utcOffsetMinutes: number, category: ExemptionCategory | null, description: string, };

export type DraftField = "recommendation" | "scope" | "name" | "displayName" | "expiresOn" | "category" | "description";

export type FieldError = { field: DraftField, message: string, };

export type Exemption = { 
/**
 * The full ARM id.
 */
id: string, name: string, 
/**
 * The scope it is written at (the id before `/providers/Microsoft.Authorization`).
 */
scope: string, displayName: string | null, description: string | null, 
/**
 * `None` when Azure returned a category this app does not know.
 */
category: ExemptionCategory | null, 
/**
 * UTC, RFC 3339.
 */
expiresOn: string | null, expired: boolean, policyAssignmentId: string, policyDefinitionReferenceIds: Array<string>, };

export type PlannedWrite = { scope: string, name: string, 
/**
 * The ARM path (scope + provider + name), without the api-version.
 */
path: string, policyAssignmentId: string, initiativeName: string, policyDefinitionReferenceIds: Array<string>, 
/**
 * An exemption of this name already exists there and will be replaced.
 */
replacesExisting: boolean, 
/**
 * The assignment sits below the chosen scope, so its exemption is
 * written at the assignment's own scope.
 */
belowChosenScope: boolean, body: unknown, };

export type CheckStatus = "Passed" | "Warning" | "Failed" | "NotApplicable";

export type CheckKind = "Recommendation" | "Fields" | "Benchmark" | "Initiatives" | "Permissions" | "SecurityReader" | "ScopeLimit" | "ExistingNames";

export type Check = { kind: CheckKind, status: CheckStatus, title: string, detail: string, 
/**
 * What the user can do about a failure or warning.
 */
remedy: string | null, 
/**
 * Set when the app can fix this itself: the name of the management group
 * (e.g. `contoso-corp`) on which to grant the Security Resource Provider Reader.
 */
grantSecurityReaderAt: string | null, };

export type Preparation = { 
/**
 * Pass to `apply_plan` to send exactly these writes.
 */
planId: string, checks: Array<Check>, writes: Array<PlannedWrite>, 
/**
 * True when a check failed or no plan could be made: nothing may be sent.
 */
blocked: boolean, 
/**
 * Why no plan could be made, when that is so.
 */
planError: ErrorPayload | null, };

export type ItemState = "Planned" | "Sending" | "Retrying" | "Succeeded" | "Failed" | "Cancelled";

export type ApplyItem = { index: number, write: PlannedWrite, state: ItemState, attempts: number, 
/**
 * Why it failed, or why it is being retried.
 */
message: string | null, };

export type ApplyReport = { id: string, 
/**
 * UTC, RFC 3339.
 */
startedAt: string, recommendationKey: string, items: Array<ApplyItem>, 
/**
 * Every item reached a final state.
 */
finished: boolean, };

export type ApplyProgress = { applyId: string, index: number, state: ItemState, attempts: number, message: string | null, succeeded: number, failed: number, total: number, };

export type ApplyStopped = { applyId: string, error: ErrorPayload, };

export type EffectItem = { scope: string, 
/**
 * Resources there still assessed as unhealthy or healthy for the recommendation.
 */
pending: number, 
/**
 * Resources there shown as Not applicable with cause Exempt.
 */
exempt: number, 
/**
 * Assignments that still hold the recommendation for a pending resource
 * there with no exemption of theirs covering it: Defender will not show
 * the resource exempt until they are exempted too.
 */
heldBy: Array<HeldBy>, };

export type HeldBy = { assignmentId: string, 
/**
 * The assigned initiative's display name.
 */
initiativeName: string, 
/**
 * A resource it holds (the first one found).
 */
resourceId: string, 
/**
 * How many pending resources there it holds.
 */
resources: number, };

export type EffectReport = { applyId: string, items: Array<EffectItem>, 
/**
 * Every exempted resource shows as exempt.
 */
complete: boolean, 
/**
 * UTC, RFC 3339: when Defender should have caught up at the latest (24 h after the apply).
 */
expectedBy: string, };

export type DatabaseProblemKind = "Empty" | "NotADatabase" | "Damaged" | "NewerVersion" | "ReadOnly" | "DiskFull" | "Busy" | "Unavailable";

export type DatabaseProblem = { kind: DatabaseProblemKind, 
/**
 * A sentence for people: what is wrong with the file.
 */
reason: string, 
/**
 * Whether "move the damaged file aside and start fresh" makes sense
 * (not for a file another program holds, nor in a folder that cannot be written).
 */
canMoveAside: boolean, };

export type DatabaseStatus = { path: string, 
/**
 * `None` when the database is open and in use.
 */
problem: DatabaseProblem | null, 
/**
 * Where the damaged file was moved to, after "move aside".
 */
movedTo: string | null, };

/** Every backend command; each rejects with an `ErrorPayload`. */
export const commands = {
  sessionInfo: (): Promise<SessionInfo> => invoke("session_info"),
  listProfiles: (): Promise<Array<Profile>> => invoke("list_profiles"),
  signIn: (request: SignInRequest): Promise<SessionInfo> => invoke("sign_in", { request }),
  useProfile: (name: string): Promise<SessionInfo> => invoke("use_profile", { name }),
  signOut: (name: string): Promise<null> => invoke("sign_out", { name }),
  openDemo: (): Promise<SessionInfo> => invoke("open_demo"),
  cancelSignIn: (): Promise<null> => invoke("cancel_sign_in"),
  chooseCertificateFile: (): Promise<string | null> => invoke("choose_certificate_file"),
  openDeviceCodePage: (): Promise<null> => invoke("open_device_code_page"),
  listSubscriptions: (): Promise<Array<Subscription>> => invoke("list_subscriptions"),
  listManagementGroups: (): Promise<ManagementGroupNode | null> => invoke("list_management_groups"),
  listRecommendations: (subscriptionIds: Array<string>): Promise<Array<Recommendation>> => invoke("list_recommendations", { subscriptionIds }),
  recommendationResources: (recommendationKey: string, subscriptionIds: Array<string>): Promise<Array<AssessedResource>> => invoke("recommendation_resources", { recommendationKey, subscriptionIds }),
  validateExemption: (draft: ExemptionDraft): Promise<Array<FieldError>> => invoke("validate_exemption", { draft }),
  prepareExemption: (draft: ExemptionDraft): Promise<Preparation> => invoke("prepare_exemption", { draft }),
  grantSecurityReader: (managementGroup: string): Promise<null> => invoke("grant_security_reader", { managementGroup }),
  applyPlan: (planId: string): Promise<string> => invoke("apply_plan", { planId }),
  cancelApply: (applyId: string): Promise<null> => invoke("cancel_apply", { applyId }),
  applyReport: (applyId: string): Promise<ApplyReport> => invoke("apply_report", { applyId }),
  retryFailed: (applyId: string): Promise<null> => invoke("retry_failed", { applyId }),
  unfinishedApplies: (): Promise<Array<ApplyReport>> => invoke("unfinished_applies"),
  resumeApply: (applyId: string): Promise<null> => invoke("resume_apply", { applyId }),
  effectStatus: (applyId: string): Promise<EffectReport> => invoke("effect_status", { applyId }),
  saveDraft: (draft: ExemptionDraft): Promise<null> => invoke("save_draft", { draft }),
  loadDraft: (): Promise<ExemptionDraft | null> => invoke("load_draft"),
  discardDraft: (): Promise<null> => invoke("discard_draft"),
  listExemptions: (subscriptionIds: Array<string>): Promise<Array<Exemption>> => invoke("list_exemptions", { subscriptionIds }),
  databaseStatus: (): Promise<DatabaseStatus> => invoke("database_status"),
  moveDatabaseAside: (): Promise<DatabaseStatus> => invoke("move_database_aside"),
  openDatabaseAgain: (): Promise<DatabaseStatus> => invoke("open_database_again"),
  quitApp: (): Promise<null> => invoke("quit_app"),
};

/** Backend events: `listen(events.applyProgress, (e: Event<ApplyProgress>) => …)`. */
export const events = {
  applyProgress: "apply-progress",
  applyStopped: "apply-stopped",
  deviceCode: "device-code",
} as const;

export type EventPayloads = {
  "apply-progress": ApplyProgress;
  "apply-stopped": ApplyStopped;
  "device-code": DeviceCodePrompt;
};
