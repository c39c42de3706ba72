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

export type SessionMode = "Demo" | "External";

export type SessionInfo = { mode: SessionMode, tenantId: string, 
/**
 * UPN for a user, application id for a service principal.
 */
account: string, objectId: string, armEndpoint: string, };

export type Subscription = { 
/**
 * The bare GUID (`subscriptionId`), not the `/subscriptions/…` path.
 */
id: string, displayName: string, state: string, };

export type AssessmentType = "BuiltIn" | "CustomPolicy" | "CustomerManaged" | "VerifiedPartner";

export type Severity = "High" | "Medium" | "Low";

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

export type ExemptionCategory = "Mitigated" | "Waiver";

export type ExemptionDraft = { 
/**
 * The recommendation's assessment key.
 */
recommendationKey: string, 
/**
 * Bare subscription GUIDs; one exemption is written at each.
 */
subscriptionIds: Array<string>, 
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
path: string, policyAssignmentId: string, policyDefinitionReferenceIds: Array<string>, body: unknown, };

/** Every backend command; each rejects with an `ErrorPayload`. */
export const commands = {
  sessionInfo: (): Promise<SessionInfo> => invoke("session_info"),
  listSubscriptions: (): Promise<Array<Subscription>> => invoke("list_subscriptions"),
  listRecommendations: (subscriptionIds: Array<string>): Promise<Array<Recommendation>> => invoke("list_recommendations", { subscriptionIds }),
  validateExemption: (draft: ExemptionDraft): Promise<Array<FieldError>> => invoke("validate_exemption", { draft }),
  createExemption: (draft: ExemptionDraft): Promise<Array<Exemption>> => invoke("create_exemption", { draft }),
  listExemptions: (subscriptionIds: Array<string>): Promise<Array<Exemption>> => invoke("list_exemptions", { subscriptionIds }),
};
