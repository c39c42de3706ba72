import type { CloudKind, SignInMethod, SignInRequest } from "../ipc/bindings";

export const CLOUD_LABELS: Record<CloudKind, string> = {
  Public: "Azure",
  UsGovernment: "Azure US Government",
  China: "Azure China",
  Custom: "Custom endpoints",
};

export const METHOD_LABELS: Record<SignInMethod, string> = {
  Browser: "Browser",
  DeviceCode: "Device code",
  AzureCli: "Azure CLI session",
  ServicePrincipal: "Service principal (secret)",
  ServicePrincipalCertificate: "Service principal (certificate)",
};

/** What the Spinner says while `signIn` runs. */
export const WAITING_TEXT: Record<SignInMethod, string> = {
  Browser: "Finish signing in in your browser…",
  DeviceCode: "Waiting for a device code…",
  AzureCli: "Reading your Azure CLI session…",
  ServicePrincipal: "Signing in as the service principal…",
  ServicePrincipalCertificate: "Signing in with the certificate…",
};

export type SignInValues = {
  profileName: string;
  cloud: CloudKind;
  authorityHost: string;
  armEndpoint: string;
  graphEndpoint: string;
  /** Custom only, optional: the token audience Resource Manager expects. */
  armAudience: string;
  tenant: string;
  method: SignInMethod;
  clientId: string;
  clientSecret: string;
  certificatePath: string;
  certificatePassword: string;
  loginHint: string;
};

export type SignInField = Exclude<keyof SignInValues, "cloud" | "method">;

export const EMPTY_SIGN_IN: SignInValues = {
  profileName: "",
  cloud: "Public",
  authorityHost: "",
  armEndpoint: "",
  graphEndpoint: "",
  armAudience: "",
  tenant: "organizations",
  method: "Browser",
  clientId: "",
  clientSecret: "",
  certificatePath: "",
  certificatePassword: "",
  loginHint: "",
};

export const usesClientId = (m: SignInMethod) => m !== "AzureCli";
export const isServicePrincipal = (m: SignInMethod) => m === "ServicePrincipal" || m === "ServicePrincipalCertificate";
export const usesSecret = (m: SignInMethod) => m === "ServicePrincipal";
export const usesCertificate = (m: SignInMethod) => m === "ServicePrincipalCertificate";
export const usesLoginHint = (m: SignInMethod) => m === "Browser";

/** https, or plain http on this machine (a local simulator), as the backend allows. */
function isAllowedUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    return (url.protocol === "https:" || (url.protocol === "http:" && loopback)) && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The form's own checks (the backend checks again). In field order. */
export function validateSignIn(v: SignInValues): Partial<Record<SignInField, string>> {
  const errors: Partial<Record<SignInField, string>> = {};
  if (!v.profileName.trim()) errors.profileName = "Enter a profile name.";
  if (v.cloud === "Custom") {
    const urls: [SignInField, string][] = [
      ["authorityHost", "sign-in host"],
      ["armEndpoint", "Resource Manager endpoint"],
      ["graphEndpoint", "Microsoft Graph endpoint"],
    ];
    for (const [field, what] of urls) {
      const value = v[field].trim();
      if (!value) errors[field] = `Enter the ${what}.`;
      else if (!isAllowedUrl(value))
        errors[field] = `The ${what} must be an https:// URL (plain http only on this machine).`;
    }
  }
  const tenant = v.tenant.trim();
  if (!tenant) errors.tenant = "Enter organizations, or a tenant id or domain.";
  else if (isServicePrincipal(v.method) && ["organizations", "common", "consumers"].includes(tenant.toLowerCase())) {
    errors.tenant = "A service principal signs in to one tenant: enter its id or domain.";
  }
  if (isServicePrincipal(v.method) && !v.clientId.trim()) {
    errors.clientId = "Enter the service principal's client (application) id.";
  }
  if (usesSecret(v.method) && !v.clientSecret) errors.clientSecret = "Enter the client secret.";
  if (usesCertificate(v.method) && !v.certificatePath.trim()) {
    errors.certificatePath = "Choose the certificate file (PEM with its private key, or .pfx/.p12).";
  }
  return errors;
}

/** The request `signIn` gets: only what the method uses, trimmed. */
export function toSignInRequest(v: SignInValues): SignInRequest {
  const custom = v.cloud === "Custom";
  return {
    profileName: v.profileName.trim(),
    cloud: {
      kind: v.cloud,
      authorityHost: custom ? v.authorityHost.trim() : null,
      armEndpoint: custom ? v.armEndpoint.trim() : null,
      graphEndpoint: custom ? v.graphEndpoint.trim() : null,
      // Left out when empty: the backend then uses the endpoint's own audience.
      ...(custom && v.armAudience.trim() ? { armAudience: v.armAudience.trim() } : {}),
    },
    tenant: v.tenant.trim(),
    method: v.method,
    clientId: usesClientId(v.method) ? v.clientId.trim() : "",
    clientSecret: usesSecret(v.method) ? v.clientSecret : "",
    certificatePath: usesCertificate(v.method) ? v.certificatePath.trim() : "",
    certificatePassword: usesCertificate(v.method) ? v.certificatePassword : "",
    loginHint: usesLoginHint(v.method) ? v.loginHint.trim() : "",
  };
}
