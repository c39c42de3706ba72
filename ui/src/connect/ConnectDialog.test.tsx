import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { AppShell } from "../app/AppShell";
import { applyStore } from "../apply/applyStore";
import type { Profile, SessionInfo, SignInRequest } from "../ipc/bindings";
import { SUBS, emitEvent, resetEvents } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";

vi.setConfig({ testTimeout: 20_000 });
vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const DEMO: SessionInfo = {
  mode: "Demo",
  tenantId: "72f988bf-0000-0000-0000-000000000000",
  account: "alex@contoso.example",
  objectId: "o",
  armEndpoint: "http://127.0.0.1:1",
  cloud: "Azure",
  profileName: null,
  warning: null,
};
const PROD: SessionInfo = {
  mode: "Profile",
  tenantId: "contoso.onmicrosoft.us",
  account: "sam@contoso.us",
  objectId: "o2",
  armEndpoint: "https://management.usgovcloudapi.net",
  cloud: "Azure US Government",
  profileName: "gov",
  warning: "No OS keyring: this sign-in lasts until the app closes.",
};
const PROFILES: Profile[] = [
  {
    name: "gov",
    cloud: { kind: "UsGovernment", authorityHost: null, armEndpoint: null, graphEndpoint: null },
    tenant: "contoso.onmicrosoft.us",
    method: "DeviceCode",
    clientId: "",
    certificatePath: "",
    account: "sam@contoso.us",
  },
  {
    name: "ci",
    cloud: { kind: "Public", authorityHost: null, armEndpoint: null, graphEndpoint: null },
    tenant: "contoso.com",
    method: "ServicePrincipal",
    clientId: "abc",
    certificatePath: "",
    account: "abc",
  },
];

type Over = { session?: SessionInfo; signIn?: (r: SignInRequest) => Promise<unknown>; picked?: string | null };
function backend(over: Over = {}) {
  let session = over.session ?? DEMO;
  let profiles = [...PROFILES];
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "session_info":
        return session;
      case "list_subscriptions":
        return SUBS;
      case "list_recommendations":
        return [];
      case "list_management_groups":
        return null;
      case "load_draft":
        return null;
      case "unfinished_applies":
        return [];
      case "list_profiles":
        return profiles;
      case "use_profile":
        session = { ...PROD, profileName: a.name as string };
        return session;
      case "open_demo":
        session = DEMO;
        return session;
      case "sign_out":
        profiles = profiles.filter((p) => p.name !== a.name);
        return null;
      case "cancel_sign_in":
        return null;
      case "open_device_code_page":
        return null;
      case "choose_certificate_file":
        return over.picked === undefined ? "/home/alex/picked.pem" : over.picked;
      case "sign_in": {
        if (over.signIn) return over.signIn(a.request as SignInRequest);
        const r = a.request as SignInRequest;
        session = { ...PROD, profileName: r.profileName, warning: null };
        return session;
      }
    }
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}
const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

beforeEach(() => {
  invokeMock.mockReset();
  applyStore.reset();
  resetEvents();
});

async function openConnect() {
  const user = userEvent.setup();
  const result = renderWithProviders(<AppShell />);
  await user.click((await screen.findByText("Switch tenant")).closest("button")!);
  // (Role queries over the whole shell are slow in jsdom: find by test id, check the role once.)
  const dialog = await screen.findByTestId("connect-dialog", {}, { timeout: 5000 });
  expect(dialog).toHaveAttribute("role", "dialog");
  expect(dialog).toHaveAttribute("aria-label", "Connect");
  return { user, dialog, ...result };
}

const box = (dialog: HTMLElement, name: string) =>
  within(dialog).getByRole("textbox", { hidden: true, name: new RegExp(`^${name}`) });

describe("Header", () => {
  test("shows account, tenant, cloud, profile and the session's warning", async () => {
    backend({ session: PROD });
    renderWithProviders(<AppShell />);
    expect(await screen.findByTestId("session-account")).toHaveTextContent("sam@contoso.us");
    expect(screen.getByText("Switch tenant").closest("button")).toHaveAccessibleName("Switch tenant");
    expect(screen.getByTestId("session-tenant")).toHaveTextContent("Tenant contoso.onmicrosoft.us");
    expect(screen.getByTestId("session-cloud")).toHaveTextContent("Azure US Government");
    expect(screen.getByTestId("session-profile")).toHaveTextContent("gov");
    expect(screen.getByTestId("session-warning")).toHaveTextContent(
      "No OS keyring: this sign-in lasts until the app closes.",
    );
    expect(screen.queryByText("Demo tenant")).not.toBeInTheDocument();
  });

  test("demo: a Demo tenant badge, no warning", async () => {
    backend();
    renderWithProviders(<AppShell />);
    await screen.findByText("Demo tenant");
    expect(screen.getByTestId("session-cloud")).toHaveTextContent("Azure");
    expect(screen.queryByTestId("session-warning")).not.toBeInTheDocument();
  });
});

describe("Connect: new sign-in", () => {
  test("required fields per method; nothing is sent while any is missing", async () => {
    backend();
    const { user, dialog } = await openConnect();
    await user.clear(box(dialog, "Tenant"));
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    expect(await within(dialog).findByText("Enter a profile name.")).toBeInTheDocument();
    expect(within(dialog).getByText("Enter organizations, or a tenant id or domain.")).toBeInTheDocument();
    expect(box(dialog, "Profile name")).toHaveFocus();

    await user.type(box(dialog, "Profile name"), "p");
    await user.type(box(dialog, "Tenant"), "organizations");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Service principal (secret)" }));
    expect(within(dialog).queryByRole("textbox", { hidden: true, name: /^Account/ })).not.toBeInTheDocument();
    expect(
      within(dialog).getByText("A service principal signs in to one tenant: enter its id or domain."),
    ).toBeInTheDocument();
    expect(within(dialog).getByText("Enter the service principal's client (application) id.")).toBeInTheDocument();
    expect(within(dialog).getByText("Enter the client secret.")).toBeInTheDocument();

    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Custom endpoints" }));
    expect(within(dialog).getByText("Enter the sign-in host.")).toBeInTheDocument();
    await user.type(box(dialog, "Resource Manager endpoint"), "http://arm.example");
    expect(
      within(dialog).getByText(
        "The Resource Manager endpoint must be an https:// URL (plain http only on this machine).",
      ),
    ).toBeInTheDocument();
    await user.clear(box(dialog, "Resource Manager endpoint"));
    await user.type(box(dialog, "Resource Manager endpoint"), "http://127.0.0.1:8123");
    expect(within(dialog).queryByText(/Resource Manager endpoint must be/)).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Azure CLI session" }));
    expect(within(dialog).queryByRole("textbox", { hidden: true, name: /^Client id/ })).not.toBeInTheDocument();
    expect(within(dialog).queryByText("Enter the client secret.")).not.toBeInTheDocument();
    expect(callsOf("sign_in")).toHaveLength(0);
  });

  test("Browser, custom cloud, client id and account: the request; success closes Connect and refetches", async () => {
    backend();
    const { user, dialog } = await openConnect();
    await waitFor(() => expect(callsOf("list_subscriptions")).toHaveLength(1));
    await user.type(box(dialog, "Profile name"), " lab ");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Custom endpoints" }));
    await user.type(box(dialog, "Sign-in host"), "https://login.lab.example");
    await user.type(box(dialog, "Resource Manager endpoint"), "https://arm.lab.example");
    await user.type(box(dialog, "Microsoft Graph endpoint"), "https://graph.lab.example");
    expect(box(dialog, "Tenant")).toHaveValue("organizations");
    expect(box(dialog, "Tenant")).toHaveAttribute("placeholder", "organizations or a tenant id / domain");
    expect(within(dialog).getByText(/Leave empty to use the default public client/)).toBeInTheDocument();
    await user.type(box(dialog, "Client id"), "11111111-2222-3333-4444-555555555555");
    await user.type(box(dialog, "Account"), "alex@lab.example");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    await waitFor(() => expect(screen.queryByTestId("connect-dialog")).not.toBeInTheDocument());
    expect(callsOf("sign_in")).toEqual([
      [
        "sign_in",
        {
          request: {
            profileName: "lab",
            cloud: {
              kind: "Custom",
              authorityHost: "https://login.lab.example",
              armEndpoint: "https://arm.lab.example",
              graphEndpoint: "https://graph.lab.example",
            },
            tenant: "organizations",
            method: "Browser",
            clientId: "11111111-2222-3333-4444-555555555555",
            clientSecret: "",
            certificatePath: "",
            certificatePassword: "",
            loginHint: "alex@lab.example",
          },
        },
      ],
    ]);
    expect(screen.getByTestId("session-account")).toHaveTextContent("sam@contoso.us");
    expect(screen.getByTestId("session-profile")).toHaveTextContent("lab");
    // The tenant changed: everything is fetched again.
    await waitFor(() => expect(callsOf("list_subscriptions")).toHaveLength(2));
  });

  test("a custom cloud's token audience, when given, goes with the request", async () => {
    backend();
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "stack");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Custom endpoints" }));
    await user.type(box(dialog, "Sign-in host"), "https://login.stack.example");
    await user.type(box(dialog, "Resource Manager endpoint"), "https://arm.stack.example");
    await user.type(box(dialog, "Microsoft Graph endpoint"), "https://graph.stack.example");
    expect(box(dialog, "Resource Manager token audience")).toHaveAttribute(
      "placeholder",
      "the Resource Manager endpoint's own",
    );
    await user.type(box(dialog, "Resource Manager token audience"), " https://management.stack.example/ ");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    await waitFor(() => expect(callsOf("sign_in")).toHaveLength(1));
    const request = (callsOf("sign_in")[0]![1] as { request: { cloud: unknown } }).request;
    expect(request.cloud).toEqual({
      kind: "Custom",
      authorityHost: "https://login.stack.example",
      armEndpoint: "https://arm.stack.example",
      graphEndpoint: "https://graph.stack.example",
      armAudience: "https://management.stack.example/",
    });
  });

  test.each([
    [
      "Device code",
      "DeviceCode",
      { clientId: "", clientSecret: "", certificatePath: "", certificatePassword: "", loginHint: "" },
    ],
    [
      "Azure CLI session",
      "AzureCli",
      { clientId: "", clientSecret: "", certificatePath: "", certificatePassword: "", loginHint: "" },
    ],
    [
      "Service principal (secret)",
      "ServicePrincipal",
      { clientId: "app-id", clientSecret: "s3cret", certificatePath: "", certificatePassword: "", loginHint: "" },
    ],
    [
      "Service principal (certificate)",
      "ServicePrincipalCertificate",
      {
        clientId: "app-id",
        clientSecret: "",
        certificatePath: "/home/alex/ci.pfx",
        certificatePassword: "pfx-pass",
        loginHint: "",
      },
    ],
  ] as const)("%s: the request sends only what the method uses", async (label, method, rest) => {
    backend();
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "p1");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Azure China" }));
    await user.clear(box(dialog, "Tenant"));
    await user.type(box(dialog, "Tenant"), "contoso.cn");
    await user.type(box(dialog, "Account"), "ignored@x");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: label }));
    if (method !== "AzureCli") await user.type(box(dialog, "Client id"), "app-id");
    if (method === "ServicePrincipal") {
      const secret = within(dialog).getByLabelText(/^Client secret/);
      expect(secret).toHaveAttribute("type", "password");
      expect(within(dialog).getByText("Kept in the OS keyring only.")).toBeInTheDocument();
      await user.type(secret, "s3cret");
    }
    if (method === "ServicePrincipalCertificate") {
      await user.type(box(dialog, "Certificate file"), " /home/alex/ci.pfx ");
      const password = within(dialog).getByLabelText(/^Certificate password/);
      expect(password).toHaveAttribute("type", "password");
      await user.type(password, "pfx-pass");
    }
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    await waitFor(() => expect(callsOf("sign_in")).toHaveLength(1));
    const expected = method === "DeviceCode" ? { ...rest, clientId: "app-id" } : rest;
    expect(callsOf("sign_in")[0]![1]).toEqual({
      request: {
        profileName: "p1",
        cloud: { kind: "China", authorityHost: null, armEndpoint: null, graphEndpoint: null },
        tenant: "contoso.cn",
        method,
        ...expected,
      },
    });
  });

  test("certificate: the file is required; Browse fills its path from the native picker", async () => {
    backend();
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "cert");
    await user.clear(box(dialog, "Tenant"));
    await user.type(box(dialog, "Tenant"), "contoso.com");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Service principal (certificate)" }));
    expect(within(dialog).queryByLabelText(/^Client secret/)).not.toBeInTheDocument();
    await user.type(box(dialog, "Client id"), "app-id");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    expect(
      within(dialog).getByText("Choose the certificate file (PEM with its private key, or .pfx/.p12)."),
    ).toBeInTheDocument();
    expect(callsOf("sign_in")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Browse…" }));
    await waitFor(() => expect(box(dialog, "Certificate file")).toHaveValue("/home/alex/picked.pem"));
    expect(within(dialog).queryByText(/Choose the certificate file/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    await waitFor(() => expect(callsOf("sign_in")).toHaveLength(1));
    expect((callsOf("sign_in")[0]![1] as { request: SignInRequest }).request).toMatchObject({
      method: "ServicePrincipalCertificate",
      clientId: "app-id",
      certificatePath: "/home/alex/picked.pem",
      certificatePassword: "",
      clientSecret: "",
    });
  });

  test("the backend's refusal is shown and what was typed stays", async () => {
    backend({
      signIn: async () => {
        throw { code: "sign_in", message: "Tenant 'nope' does not exist in Azure.", details: null };
      },
    });
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "p2");
    await user.clear(box(dialog, "Tenant"));
    await user.type(box(dialog, "Tenant"), "nope");
    await user.type(box(dialog, "Account"), "a@b.c");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    expect(await within(dialog).findByText("Tenant 'nope' does not exist in Azure.")).toBeInTheDocument();
    // Connect is where one signs in again: its errors do not offer to open it.
    expect(within(dialog).queryByRole("button", { hidden: true, name: "Sign in again" })).not.toBeInTheDocument();
    expect(screen.getByTestId("connect-dialog")).toBeInTheDocument();
    expect(box(dialog, "Profile name")).toHaveValue("p2");
    expect(box(dialog, "Tenant")).toHaveValue("nope");
    expect(box(dialog, "Account")).toHaveValue("a@b.c");
    expect(within(dialog).getByRole("button", { hidden: true, name: "Sign in" })).toBeEnabled();
  });

  test("device code: the prompt comes from the event; Cancel asks the backend", async () => {
    let reject: (e: unknown) => void = () => {};
    backend({
      signIn: () =>
        new Promise((_, r) => {
          reject = r;
        }),
    });
    const base = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (cmd, args) => {
      if (cmd === "cancel_sign_in") {
        reject({ code: "cancelled", message: "Sign-in cancelled.", details: null });
        return null;
      }
      return base(cmd, args);
    });
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "dc");
    await user.click(within(dialog).getByRole("radio", { hidden: true, name: "Device code" }));
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    const progress = await within(dialog).findByTestId("sign-in-progress");
    expect(progress).toHaveTextContent("Waiting for a device code…");
    expect(box(dialog, "Profile name")).toBeDisabled();
    emitEvent("device-code", {
      userCode: "ABCD-1234",
      verificationUri: "https://microsoft.com/devicelogin",
      message:
        "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-1234.",
      expiresInSeconds: 900,
    });
    expect(await within(progress).findByTestId("device-user-code")).toHaveTextContent("ABCD-1234");
    expect(
      within(progress).getByRole("link", { hidden: true, name: "https://microsoft.com/devicelogin" }),
    ).toHaveAttribute("href", "https://microsoft.com/devicelogin");
    expect(progress).toHaveTextContent("To sign in, use a web browser");
    expect(within(progress).getByRole("button", { hidden: true, name: "Copy code" })).toBeInTheDocument();
    // The page opens in the system browser through the backend, which knows the URL Entra gave.
    await user.click(within(progress).getByRole("button", { hidden: true, name: "Open sign-in page" }));
    await user.click(within(progress).getByRole("link", { hidden: true, name: "https://microsoft.com/devicelogin" }));
    await waitFor(() =>
      expect(callsOf("open_device_code_page")).toEqual([["open_device_code_page"], ["open_device_code_page"]]),
    );
    await user.click(within(progress).getByRole("button", { hidden: true, name: "Cancel" }));
    await waitFor(() => expect(callsOf("cancel_sign_in")).toHaveLength(1));
    await waitFor(() => expect(within(dialog).queryByTestId("sign-in-progress")).not.toBeInTheDocument());
    // Cancelled by the user: no error, the form is back with its values.
    expect(within(dialog).queryByText("Sign-in cancelled.")).not.toBeInTheDocument();
    expect(box(dialog, "Profile name")).toHaveValue("dc");
    expect(within(dialog).getByRole("button", { hidden: true, name: "Sign in" })).toBeEnabled();
  });

  test("browser: the spinner says to finish in the browser", async () => {
    backend({ signIn: () => new Promise(() => {}) });
    const { user, dialog } = await openConnect();
    await user.type(box(dialog, "Profile name"), "b");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in" }));
    expect(await within(dialog).findByText("Finish signing in in your browser…")).toBeInTheDocument();
  });
});

describe("Connect: profiles and demo", () => {
  test("lists remembered profiles; Use switches to one and everything is fetched again", async () => {
    backend();
    const { user, dialog } = await openConnect();
    await waitFor(() => expect(callsOf("list_subscriptions")).toHaveLength(1));
    const list = await within(dialog).findByRole("list", { hidden: true, name: "Remembered profiles" });
    const gov = within(list).getByRole("listitem", { hidden: true, name: "gov" });
    expect(gov).toHaveTextContent("sam@contoso.us");
    expect(gov).toHaveTextContent("Tenant contoso.onmicrosoft.us");
    expect(gov).toHaveTextContent("Azure US Government · Device code");
    expect(within(list).getByRole("listitem", { hidden: true, name: "ci" })).toHaveTextContent("Service principal");
    await user.click(within(gov).getByRole("button", { hidden: true, name: "Use" }));
    await waitFor(() => expect(screen.queryByTestId("connect-dialog")).not.toBeInTheDocument());
    expect(callsOf("use_profile")).toEqual([["use_profile", { name: "gov" }]]);
    expect(screen.getByTestId("session-cloud")).toHaveTextContent("Azure US Government");
    await waitFor(() => expect(callsOf("list_subscriptions")).toHaveLength(2));
  });

  test("Sign out asks first, explains the keyring, then signs out", async () => {
    backend();
    const { user, dialog } = await openConnect();
    const list = await within(dialog).findByRole("list", { hidden: true, name: "Remembered profiles" });
    await user.click(
      within(within(list).getByRole("listitem", { hidden: true, name: "ci" })).getByRole("button", {
        hidden: true,
        name: "Sign out",
      }),
    );
    const confirm = await screen.findByTestId("sign-out-confirm");
    expect(confirm).toHaveAttribute("role", "alertdialog");
    expect(confirm).toHaveTextContent("Sign out of “ci”?");
    expect(confirm).toHaveTextContent("OS keyring");
    await user.click(within(confirm).getByRole("button", { hidden: true, name: "Keep it" }));
    expect(callsOf("sign_out")).toHaveLength(0);
    await user.click(
      within(within(list).getByRole("listitem", { hidden: true, name: "ci" })).getByRole("button", {
        hidden: true,
        name: "Sign out",
      }),
    );
    await user.click(
      within(await screen.findByTestId("sign-out-confirm")).getByRole("button", { hidden: true, name: "Sign out" }),
    );
    await waitFor(() => expect(callsOf("sign_out")).toEqual([["sign_out", { name: "ci" }]]));
    await waitFor(() =>
      expect(within(dialog).queryByRole("listitem", { hidden: true, name: "ci" })).not.toBeInTheDocument(),
    );
    expect(screen.getByTestId("connect-dialog")).toBeInTheDocument();
  });

  test("Open the demo tenant; a failure is shown", async () => {
    backend({ session: PROD });
    const base = invokeMock.getMockImplementation()!;
    let fail = true;
    invokeMock.mockImplementation(async (cmd, args) => {
      if (cmd === "open_demo" && fail) {
        fail = false;
        throw { code: "x", message: "The demo could not start.", details: null };
      }
      return base(cmd, args);
    });
    const { user, dialog } = await openConnect();
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Open the demo tenant" }));
    expect(await within(dialog).findByText("The demo could not start.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Open the demo tenant" }));
    await waitFor(() => expect(screen.queryByTestId("connect-dialog")).not.toBeInTheDocument());
    expect(await screen.findByText("Demo tenant")).toBeInTheDocument();
  });
});
