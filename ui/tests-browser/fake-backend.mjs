// A fake Tauri backend injected into the page before the app loads: it
// installs `window.__TAURI_INTERNALS__.invoke` (what `@tauri-apps/api/core`'s
// `invoke` calls), answers the app's commands from the fixtures below, and
// records every call in `window.__ipcCalls`.

export const SUBSCRIPTIONS = [
  { id: "11111111-1111-4111-8111-111111111111", displayName: "Contoso Production", state: "Enabled" },
  { id: "22222222-2222-4222-8222-222222222222", displayName: "Contoso Development", state: "Enabled" },
];

const rec = (key, displayName, severity, unhealthyCount, notExemptibleReason = null, assessmentType = "BuiltIn") => ({
  key,
  displayName,
  description: `${displayName}. Defender for Cloud checks this on every resource it applies to and reports the ones that do not comply.`,
  severity,
  assessmentType,
  policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${key}`,
  unhealthyCount,
  healthyCount: 10,
  notApplicableCount: 1,
  notExemptibleReason,
});

export const RECOMMENDATIONS = [
  rec("aaaaaaaa-0000-4000-8000-000000000001", "Storage accounts should restrict network access", "Medium", 7),
  rec("aaaaaaaa-0000-4000-8000-000000000002", "SQL databases should have vulnerability findings resolved", "High", 3),
  rec("aaaaaaaa-0000-4000-8000-000000000003", "Machines should have a vulnerability assessment solution", "High", 12),
  rec("aaaaaaaa-0000-4000-8000-000000000004", "Tag your production VMs (custom)", "Low", 2,
    "Custom recommendations can't be exempted.", "CustomPolicy"),
  rec("aaaaaaaa-0000-4000-8000-000000000005", "Storage account public access should be disallowed", "Low", 0),
];

export const EXISTING_EXEMPTIONS = [
  {
    id: "/subscriptions/11111111-1111-4111-8111-111111111111/providers/Microsoft.Authorization/policyExemptions/legacy-storage",
    name: "legacy-storage",
    scope: "/subscriptions/11111111-1111-4111-8111-111111111111",
    displayName: "Legacy storage kept open for partner",
    description: null,
    category: "Waiver",
    expiresOn: "2020-01-31T22:59:59Z",
    expired: true,
    policyAssignmentId: "/subscriptions/11111111-1111-4111-8111-111111111111/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn",
    policyDefinitionReferenceIds: ["storageAccountShouldRestrictNetworkAccess"],
  },
  {
    id: "/subscriptions/22222222-2222-4222-8222-222222222222/providers/Microsoft.Authorization/policyExemptions/dev-va",
    name: "dev-va",
    scope: "/subscriptions/22222222-2222-4222-8222-222222222222",
    displayName: null,
    description: "Third-party scanner covers dev.",
    category: "Mitigated",
    expiresOn: null,
    expired: false,
    policyAssignmentId: "/subscriptions/22222222-2222-4222-8222-222222222222/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn",
    policyDefinitionReferenceIds: ["vulnerabilityAssessmentOnVmsMonitoring"],
  },
];

/** Runs in the page (serialised by Playwright's addInitScript). */
export function installFakeBackend(fixtures) {
  const calls = [];
  const exemptions = [...fixtures.exemptions];
  window.__ipcCalls = calls;
  window.__ipcFail = {}; // command -> ErrorPayload to reject with once
  const delay = (ms) => new Promise((r) => setTimeout(r, ms));
  const clone = (v) => JSON.parse(JSON.stringify(v));

  function validate(d) {
    const errors = [];
    if (!d.recommendationKey) errors.push({ field: "recommendation", message: "Choose a recommendation to exempt." });
    if (d.subscriptionIds.length === 0) errors.push({ field: "scope", message: "Choose at least one subscription." });
    if (d.name.trim() === "") errors.push({ field: "name", message: "Enter a name." });
    else if (d.name.includes(".")) errors.push({ field: "name", message: "Name can't contain '.'. Azure refuses any of < > * % & : \\ ? . + /" });
    if (d.category === null) errors.push({ field: "category", message: "Choose a category: mitigated or risk accepted." });
    if (d.description.length > 512) errors.push({ field: "description", message: `Description is ${d.description.length} characters; the limit is 512.` });
    return errors;
  }

  function expiryInstant(date, offset) {
    if (!date) return null;
    const [y, m, day] = date.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, day, 23, 59, 59) - offset * 60000).toISOString().replace(".000Z", "Z");
  }

  async function handle(cmd, args) {
    switch (cmd) {
      case "session_info":
        return { mode: "Demo", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", account: "alex@contoso.example", objectId: "0000", armEndpoint: "http://127.0.0.1:1" };
      case "list_subscriptions":
        await delay(30);
        return clone(fixtures.subscriptions);
      case "list_recommendations":
        await delay(60);
        return clone(fixtures.recommendations);
      case "validate_exemption":
        await delay(10);
        return validate(args.draft);
      case "create_exemption": {
        await delay(150);
        const d = args.draft;
        const errors = validate(d);
        if (errors.length) throw { code: "invalid_request", message: "The exemption is not valid.", details: errors };
        const created = d.subscriptionIds.flatMap((sub) =>
          ["SecurityCenterBuiltIn", "CIS-Benchmark"].map((assignment, i) => {
            const name = i === 0 ? d.name : `${d.name}-cis`;
            const scope = `/subscriptions/${sub}`;
            return {
              id: `${scope}/providers/Microsoft.Authorization/policyExemptions/${name}`,
              name,
              scope,
              displayName: d.displayName || d.name,
              description: d.description || null,
              category: d.category,
              expiresOn: expiryInstant(d.expiresOn, d.utcOffsetMinutes),
              expired: false,
              policyAssignmentId: `${scope}/providers/Microsoft.Authorization/policyAssignments/${assignment}`,
              policyDefinitionReferenceIds: [i === 0 ? "sqlDbVulnerabilityAssessment" : "cis_4_2_1"],
            };
          }),
        );
        exemptions.push(...created);
        return clone(created);
      }
      case "list_exemptions":
        await delay(40);
        return clone(exemptions.filter((e) => args.subscriptionIds.some((s) => e.scope.startsWith(`/subscriptions/${s}`))));
      default:
        throw { code: "unknown_command", message: `No such command: ${cmd}`, details: null };
    }
  }

  let callbackId = 0;
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(callback, once) {
      const id = ++callbackId;
      window[`_${id}`] = (payload) => {
        if (once) delete window[`_${id}`];
        return callback?.(payload);
      };
      return id;
    },
    unregisterCallback(id) {
      delete window[`_${id}`];
    },
    convertFileSrc: (path) => path,
    async invoke(cmd, args = {}, _options) {
      calls.push({ cmd, args: clone(args) });
      const failure = window.__ipcFail[cmd];
      if (failure) {
        delete window.__ipcFail[cmd];
        await delay(20);
        throw failure;
      }
      return handle(cmd, args);
    },
  };
}

export const FIXTURES = { subscriptions: SUBSCRIPTIONS, recommendations: RECOMMENDATIONS, exemptions: EXISTING_EXEMPTIONS };
