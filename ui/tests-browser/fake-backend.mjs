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
  notApplicableCount: 2,
  // Defender counts the exempted among the not applicable (cause Exempt).
  exemptedCount: unhealthyCount % 2,
  notExemptibleReason,
});

export const RECOMMENDATIONS = [
  rec("aaaaaaaa-0000-4000-8000-000000000001", "Storage accounts should restrict network access", "Medium", 7),
  rec("aaaaaaaa-0000-4000-8000-000000000002", "SQL databases should have vulnerability findings resolved", "High", 3),
  rec("aaaaaaaa-0000-4000-8000-000000000003", "Machines should have a vulnerability assessment solution", "High", 5000),
  rec(
    "aaaaaaaa-0000-4000-8000-000000000004",
    "Tag your production VMs (custom)",
    "Low",
    2,
    "Custom recommendations can't be exempted.",
    "CustomPolicy",
  ),
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
    policyAssignmentId:
      "/subscriptions/11111111-1111-4111-8111-111111111111/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn",
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
    policyAssignmentId:
      "/subscriptions/22222222-2222-4222-8222-222222222222/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn",
    policyDefinitionReferenceIds: ["vulnerabilityAssessmentOnVmsMonitoring"],
  },
];

export const MANAGEMENT_GROUPS = {
  name: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  displayName: "Tenant Root Group",
  subscriptionIds: [],
  children: [
    {
      name: "contoso",
      displayName: "Contoso",
      subscriptionIds: [],
      children: [
        {
          name: "contoso-prod",
          displayName: "Contoso Production MG",
          subscriptionIds: [SUBSCRIPTIONS[0].id],
          children: [],
        },
        {
          name: "contoso-dev",
          displayName: "Contoso Development MG",
          subscriptionIds: [SUBSCRIPTIONS[1].id],
          children: [],
        },
      ],
    },
  ],
};

const RESOURCE_TYPES = {
  "aaaaaaaa-0000-4000-8000-000000000001": ["Microsoft.Storage/storageAccounts", "st"],
  "aaaaaaaa-0000-4000-8000-000000000002": ["Microsoft.Sql/servers/databases", "sqldb"],
  "aaaaaaaa-0000-4000-8000-000000000003": ["Microsoft.Compute/virtualMachines", "vm"],
  "aaaaaaaa-0000-4000-8000-000000000004": ["Microsoft.Compute/virtualMachines", "prodvm"],
  "aaaaaaaa-0000-4000-8000-000000000005": ["Microsoft.Storage/storageAccounts", "pubst"],
};

/** Runs in the page (serialised by Playwright's addInitScript). */
export function installFakeBackend(fixtures) {
  const calls = [];
  const exemptions = [...fixtures.exemptions];
  const recommendations = [...fixtures.recommendations];
  addGeneratedRows(new URLSearchParams(location.search));
  // When each command last answered (performance.now()), for the list benchmark.
  window.__ipcAnswered = {};
  window.__ipcCalls = calls;
  window.__ipcFail = {}; // command -> ErrorPayload to reject with once
  window.__applyFailOnce = new Set(fixtures.applyFailOnce ?? []); // item indexes that fail on their first try
  // How long one write takes; by default an apply takes at most ~3 s however many writes it has.
  window.__applyItemMs = fixtures.applyItemMs ?? null;
  // After this many writes, the first apply waits until it is cancelled, so a test can cancel it
  // however slowly the page gets there.
  window.__applyHoldAfter = fixtures.applyHoldAfter ?? null;
  const delay = (ms) => new Promise((r) => setTimeout(r, ms));
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const granted = new Set();
  const plans = new Map();
  const applies = new Map();
  let savedDraft = fixtures.draft ?? null;
  const DEMO_SESSION = {
    mode: "Demo",
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    account: "alex@contoso.example",
    objectId: "0000",
    armEndpoint: "http://127.0.0.1:1",
    cloud: "Azure",
    profileName: null,
    warning: null,
  };
  const CLOUD_NAMES = {
    Public: "Azure",
    UsGovernment: "Azure US Government",
    China: "Azure China",
    Custom: "Custom cloud",
  };
  const sessionFor = (p) => ({
    mode: "Profile",
    tenantId: p.tenant,
    account: p.account,
    objectId: "1111",
    armEndpoint: p.cloud.armEndpoint ?? "https://management.azure.com",
    cloud: CLOUD_NAMES[p.cloud.kind],
    profileName: p.name,
    warning: fixtures.keyringWarning ? "No OS keyring is available: this sign-in lasts until the app closes." : null,
  });
  let session = fixtures.session ?? clone(DEMO_SESSION);
  let profiles = clone(fixtures.profiles ?? []);
  let signInCancel = null;
  window.__signInMs = fixtures.signInMs ?? 400;
  let sequence = 0;
  for (const r of fixtures.unfinished ?? []) applies.set(r.id, { report: clone(r), cancelled: false, running: false });

  const MG_PREFIX = "/providers/Microsoft.Management/managementGroups/";
  const INITIATIVES = [
    {
      name: "Microsoft cloud security benchmark",
      assignment: "SecurityCenterBuiltIn",
      ref: (k) => `mcsb_${k.slice(-4)}`,
    },
    { name: "ISO 27001:2013", assignment: "iso27001", ref: (k) => `iso_a12_${k.slice(-2)}` },
  ];

  /** The list benchmark (bench-lists.mjs) opens the app at `?recommendations=N&resources=N&exemptions=N`:
   * N more recommendations, one recommendation with N unhealthy resources, N more exemptions;
   * `&unhealthy=N&healthy=N` gives each of the N more recommendations that many resources
   * of each status (bench-memory.mjs). */
  function addGeneratedRows(params) {
    const count = (name) => Math.max(0, Math.min(200_000, Math.floor(Number(params.get(name)) || 0)));
    const pad = (i) => String(i).padStart(12, "0");
    const subs = fixtures.subscriptions.map((s) => s.id);
    const WORDS = ["Storage", "SQL", "Key Vault", "Machines", "Containers", "App Service", "Cosmos DB", "Network"];
    const ASKS = ["should restrict access", "should use private links", "should enable logging", "should be encrypted"];
    const SEVERITIES = ["High", "Medium", "Low"];
    for (let i = 0; i < count("recommendations"); i++) {
      const name = `${WORDS[i % WORDS.length]} ${ASKS[(i >> 3) % ASKS.length]} (check ${i})`;
      recommendations.push({
        key: `bbbbbbbb-0000-4000-8000-${pad(i)}`,
        displayName: name,
        description: `${name}.`,
        severity: SEVERITIES[i % 3],
        assessmentType: "BuiltIn",
        policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/bench-${i}`,
        unhealthyCount: count("unhealthy") || (i * 37) % 500,
        healthyCount: count("healthy") || 3,
        notApplicableCount: 1,
        exemptedCount: i % 3 === 0 ? 1 : 0,
        notExemptibleReason: i % 11 === 0 ? "Custom recommendations can't be exempted." : null,
      });
    }
    const resources = count("resources");
    if (resources > 0) {
      recommendations.push({
        key: "cccccccc-0000-4000-8000-000000000000",
        displayName: `Bench: virtual machines should be patched (${resources} unhealthy)`,
        description: "Generated for the list benchmark.",
        severity: "High",
        assessmentType: "BuiltIn",
        policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/bench-resources",
        unhealthyCount: resources,
        healthyCount: 10,
        notApplicableCount: 1,
        exemptedCount: 1,
        notExemptibleReason: null,
      });
    }
    // `soon=N`: the first N expire within the reminder window (the rest well after it, or before now).
    const soon = count("soon");
    const PEOPLE = ["alex.admin@contoso.example", "sam.lee@contoso.example", "kim.ng@contoso.example", "ops-pipeline"];
    const GROUPS = ["contoso", "contoso-prod", "contoso-dev"];
    for (let i = 0; i < count("exemptions"); i++) {
      const sub = subs[i % subs.length];
      const group = `/providers/Microsoft.Management/managementGroups/${GROUPS[i % GROUPS.length]}`;
      const at = [
        `/subscriptions/${sub}`,
        `/subscriptions/${sub}/resourceGroups/rg-${i % 40}`,
        `/subscriptions/${sub}/resourceGroups/rg-${i % 40}/providers/Microsoft.Compute/virtualMachines/vm-${i}`,
        group,
      ][i % 4];
      const expiresOn =
        i < soon
          ? new Date(Date.now() + (1 + (i % 25)) * 86_400_000).toISOString()
          : i % 6 === 0
            ? null
            : i % 9 === 0
              ? new Date(Date.UTC(2025, i % 12, 1 + (i % 28))).toISOString()
              : new Date(Date.UTC(2028, i % 12, 1 + (i % 28))).toISOString();
      exemptions.push({
        id: `${at}/providers/Microsoft.Authorization/policyExemptions/bench-${i}`,
        name: `bench-${i}`,
        scope: at,
        displayName: i % 5 === 0 ? null : `${WORDS[i % WORDS.length]} exemption ${i}`,
        description: i % 2 === 0 ? `Accepted risk number ${i}.` : null,
        category: i % 4 === 0 ? "Mitigated" : "Waiver",
        expiresOn,
        expired: expiresOn !== null && Date.parse(expiresOn) < Date.now(),
        policyAssignmentId: `${i % 4 === 3 ? group : `/subscriptions/${sub}`}/providers/Microsoft.Authorization/policyAssignments/${i % 7 === 0 ? "iso27001" : "SecurityCenterBuiltIn"}`,
        // ISO's exempt the whole initiative; the rest one of the fixture's recommendations.
        policyDefinitionReferenceIds:
          i % 7 === 0 ? [] : [`mcsb_${fixtures.recommendations[i % fixtures.recommendations.length].key.slice(-4)}`],
        createdBy: PEOPLE[i % PEOPLE.length],
        createdAt: new Date(Date.UTC(2024 + (i % 2), i % 12, 1 + (i % 27), 9)).toISOString(),
        requestedBy: i % 3 === 0 ? PEOPLE[(i + 1) % 3] : null,
        approvedBy: i % 5 === 0 ? PEOPLE[(i + 2) % 3] : null,
      });
    }
  }

  function resourcesOf(key, subscriptionIds) {
    const rec = recommendations.find((r) => r.key === key);
    if (!rec) return [];
    const [type, prefix] = fixtures.resourceTypes[key] ?? ["Microsoft.Resources/resources", "res"];
    const out = [];
    const make = (i, status) => {
      const sub = subscriptionIds[i % subscriptionIds.length];
      const rg = `rg-${["web", "data", "ops"][i % 3]}`;
      const name = `${prefix}-${status === "Unhealthy" ? "" : status === "Healthy" ? "ok-" : "na-"}${String(i).padStart(4, "0")}`;
      return {
        id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/${type}/${name}`,
        name,
        resourceType: type,
        subscriptionId: sub,
        resourceGroup: rg,
        status,
        cause: status === "NotApplicable" ? (i === 0 ? "Exempt" : "OffByPolicy") : null,
        exemptionId: status === "NotApplicable" && i === 0 ? (exemptions[0]?.id ?? null) : null,
      };
    };
    for (let i = 0; i < rec.unhealthyCount; i++) out.push(make(i, "Unhealthy"));
    for (let i = 0; i < rec.healthyCount; i++) out.push(make(i, "Healthy"));
    for (let i = 0; i < Math.max(rec.notApplicableCount, 2); i++) out.push(make(i, "NotApplicable"));
    return out;
  }

  /** One exemption in detail, as `exemption_details` answers: Azure's JSON,
   * every property, what it covers and the app's audit of it. */
  function exemptionDetails(id) {
    const e = exemptions.find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!e) return { exemptionId: id, rawJson: null, properties: [], coverage: null, audit: [] };
    const raw = {
      properties: {
        policyAssignmentId: e.policyAssignmentId,
        policyDefinitionReferenceIds: e.policyDefinitionReferenceIds,
        exemptionCategory: e.category,
        displayName: e.displayName,
        description: e.description,
        expiresOn: e.expiresOn,
        metadata: { requestedBy: "riley@contoso.com", approvedBy: "morgan@contoso.com", ticketRef: "CHG-1042" },
      },
      systemData: { createdBy: "alex@contoso.com", createdByType: "User", createdAt: "2025-06-02T10:20:00Z" },
      id: e.id,
      type: "Microsoft.Authorization/policyExemptions",
      name: e.name,
    };
    const properties = [];
    const walk = (path, v) => {
      if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0)
        for (const [k, x] of Object.entries(v)) walk(path ? `${path}.${k}` : k, x);
      else if (Array.isArray(v) && v.length > 0) v.forEach((x, i) => walk(`${path}[${i}]`, x));
      else properties.push({ path, value: typeof v === "string" ? v : JSON.stringify(v) });
    };
    walk("", raw);
    const rec = recommendations[0];
    const covered = resourcesOf(rec.key, [e.scope.split("/")[2]])
      .filter((r) => r.id.toLowerCase().startsWith(e.scope.toLowerCase()))
      .slice(0, 6)
      .map((r, i) => ({
        recommendationKey: rec.key,
        recommendationName: rec.displayName,
        shownExempt: i % 2 === 0,
        resource: { ...r, status: i % 2 === 0 ? "NotApplicable" : r.status, cause: i % 2 === 0 ? "Exempt" : r.cause },
      }));
    return {
      exemptionId: e.id,
      rawJson: JSON.stringify(raw),
      properties: properties.sort((a, b) => a.path.localeCompare(b.path)),
      coverage: {
        recommendations: [{ key: rec.key, displayName: rec.displayName }],
        resources: covered,
        total: covered.length,
        shownExempt: covered.filter((c) => c.shownExempt).length,
        unavailable: null,
      },
      audit: [
        {
          at: "2025-06-02T10:20:00.000Z",
          account: "alex@contoso.com",
          action: "Created",
          state: "Succeeded",
          message: null,
          applyId: "apply-1",
          changes: [],
        },
      ],
    };
  }

  function validate(d) {
    const errors = [];
    if (!d.recommendationKey) errors.push({ field: "recommendation", message: "Choose a recommendation to exempt." });
    const s = d.scope;
    if (s.kind === "managementGroup" && !s.name) errors.push({ field: "scope", message: "Choose a management group." });
    if (s.kind === "subscriptions" && s.ids.length === 0)
      errors.push({ field: "scope", message: "Choose at least one subscription." });
    if (s.kind === "resources" && s.ids.length === 0)
      errors.push({ field: "scope", message: "Choose at least one resource." });
    if (d.name.trim() === "") errors.push({ field: "name", message: "Enter a name." });
    else if (d.name.includes("."))
      errors.push({ field: "name", message: "Name can't contain '.'. Azure refuses any of < > * % & : \\ ? . + /" });
    if (d.category === null)
      errors.push({ field: "category", message: "Choose a category: mitigated or risk accepted." });
    if (d.description.length > 512)
      errors.push({
        field: "description",
        message: `Description is ${d.description.length} characters; the limit is 512.`,
      });
    return errors;
  }

  function expiryInstant(date, offset) {
    if (!date) return null;
    const [y, m, day] = date.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, day, 23, 59, 59) - offset * 60000).toISOString().replace(".000Z", "Z");
  }

  function scopesOf(d) {
    const s = d.scope;
    if (s.kind === "managementGroup") return [`${MG_PREFIX}${s.name}`];
    if (s.kind === "subscriptions") return s.ids.map((id) => `/subscriptions/${id}`);
    return s.ids;
  }

  const check = (kind, status, title, detail, remedy = null, grantSecurityReaderAt = null) => ({
    kind,
    status,
    title,
    detail,
    remedy,
    grantSecurityReaderAt,
  });

  function prepare(d) {
    const errors = validate(d);
    if (errors.length) throw { code: "invalid_request", message: "The exemption is not valid.", details: errors };
    const scopes = scopesOf(d);
    const mg = d.scope.kind === "managementGroup" ? d.scope.name : null;
    const writes = scopes.flatMap((scope) =>
      INITIATIVES.map((ini, n) => {
        // One exemption per initiative at each scope, so each needs a name of its own.
        const name = n === 0 ? d.name : `${d.name}-${ini.assignment}`;
        const assignmentScope = scope.startsWith(MG_PREFIX) ? scope : scope.split("/").slice(0, 3).join("/");
        const policyAssignmentId = `${assignmentScope}/providers/Microsoft.Authorization/policyAssignments/${ini.assignment}`;
        const path = `${scope}/providers/Microsoft.Authorization/policyExemptions/${name}`;
        const replacesExisting = exemptions.some((e) => e.id === path);
        const properties = {
          policyAssignmentId,
          policyDefinitionReferenceIds: [ini.ref(d.recommendationKey)],
          exemptionCategory: d.category,
          displayName: d.displayName || d.name,
          ...(d.description ? { description: d.description } : {}),
          ...(d.expiresOn ? { expiresOn: expiryInstant(d.expiresOn, d.utcOffsetMinutes) } : {}),
          metadata: { createdWith: "Exemption Desk", requestedBy: "alex@contoso.example" },
        };
        return {
          scope,
          name,
          path,
          policyAssignmentId,
          initiativeName: ini.name,
          policyDefinitionReferenceIds: properties.policyDefinitionReferenceIds,
          replacesExisting,
          body: { properties },
        };
      }),
    );
    const readerOk = !mg || granted.has(mg);
    const updates = writes.filter((w) => w.replacesExisting).length;
    const checks = [
      check(
        "Recommendation",
        "Passed",
        "The recommendation can be exempted",
        "A built-in Defender for Cloud recommendation.",
      ),
      check(
        "Benchmark",
        "Passed",
        "Microsoft cloud security benchmark is assigned",
        "Assigned as SecurityCenterBuiltIn at every chosen scope.",
      ),
      check(
        "Initiatives",
        "Warning",
        "The recommendation is in 2 assigned initiatives",
        "Microsoft cloud security benchmark and ISO 27001:2013 both contain it: one exemption is written for each, or Defender would still report it.",
        "Nothing to do: both are covered.",
      ),
      check("Permissions", "Passed", "You can write exemptions", "Security Admin on every chosen scope."),
      mg
        ? readerOk
          ? check(
              "SecurityReader",
              "Passed",
              "Defender for Cloud can read the management group",
              `The Windows Azure Security Resource Provider holds Reader on ${mg}.`,
            )
          : check(
              "SecurityReader",
              "Failed",
              "Defender for Cloud can't read the management group",
              `The Windows Azure Security Resource Provider has no Reader role on ${mg}, so Defender for Cloud would ignore an exemption there.`,
              "Grant it Reader on the management group.",
              mg,
            )
        : check(
            "SecurityReader",
            "NotApplicable",
            "Defender for Cloud's Reader role",
            "Only needed for a management group.",
          ),
      check("ScopeLimit", "Passed", "Under 1,000 exemptions per scope", `${writes.length} writes planned.`),
      updates
        ? check(
            "ExistingNames",
            "Warning",
            "Some names are taken",
            `${updates} exemption(s) named ${d.name} exist and will be replaced.`,
            "Choose another name to keep them.",
          )
        : check("ExistingNames", "Passed", "The name is free", `No exemption named ${d.name} at these scopes.`),
    ];
    const planId = `plan-${++sequence}`;
    const blocked = !readerOk;
    plans.set(planId, { draft: clone(d), writes });
    return {
      planId,
      checks,
      writes,
      blocked,
      planError: blocked
        ? {
            code: "checks_failed",
            message: "Defender for Cloud can't read this management group yet: grant it Reader first.",
            details: null,
          }
        : null,
    };
  }

  // --- changes to existing exemptions (extend, edit, remove expiry, delete) ---
  // An exemption "as Azure returns it", from the listed row.
  const asRead = (e) => ({
    id: e.id,
    name: e.name,
    type: "Microsoft.Authorization/policyExemptions",
    properties: Object.fromEntries(
      Object.entries({
        policyAssignmentId: e.policyAssignmentId,
        policyDefinitionReferenceIds: e.policyDefinitionReferenceIds,
        exemptionCategory: e.category,
        displayName: e.displayName,
        description: e.description,
        expiresOn: e.expiresOn,
        metadata: { requestedBy: "alex.admin@contoso.example", ticketRef: "CHG-1" },
      }).filter(([, v]) => v !== null && v !== undefined),
    ),
    systemData: { lastModifiedBy: "alex.admin@contoso.example", lastModifiedAt: "2026-01-01T00:00:00Z" },
  });
  const endOfDay = (date) => `${date}T23:59:59Z`;

  function changedProperties(props, change) {
    const out = clone(props);
    const set = (key, value) => (value === "" ? delete out[key] : (out[key] = value));
    if (change.kind === "extendTo") out.expiresOn = endOfDay(change.date);
    if (change.kind === "extendBy") {
      if (!props.expiresOn) return null;
      out.expiresOn = new Date(Date.parse(props.expiresOn) + change.days * 864e5).toISOString().replace(".000Z", "Z");
    }
    if (change.kind === "removeExpiry") delete out.expiresOn;
    if (change.kind === "edit") {
      if (change.displayName !== null) set("displayName", change.displayName);
      if (change.description !== null) set("description", change.description);
      if (change.category !== null) out.exemptionCategory = change.category;
      if (change.expiresOn !== null) out.expiresOn = endOfDay(change.expiresOn.date);
      if (change.ticket !== null) out.metadata = { ...out.metadata, ticketRef: change.ticket };
    }
    return JSON.stringify(out) === JSON.stringify(props) ? null : out;
  }

  function prepareChange(request) {
    const { exemptionIds, change } = request;
    const writes = [];
    const skipped = [];
    for (const id of exemptionIds) {
      const e = exemptions.find((x) => x.id === id);
      if (!e) continue;
      const read = asRead(e);
      const base = {
        scope: e.scope,
        name: e.name,
        path: e.id,
        policyAssignmentId: e.policyAssignmentId,
        initiativeName: "",
        policyDefinitionReferenceIds: e.policyDefinitionReferenceIds,
        replacesExisting: true,
        belowChosenScope: false,
        asRead: read,
      };
      if (change.kind === "delete") {
        writes.push({ ...base, method: "DELETE", body: null });
        continue;
      }
      const props = changedProperties(read.properties, change);
      if (!props) skipped.push(e.name);
      else writes.push({ ...base, method: "PUT", body: { properties: props } });
    }
    const verb = change.kind === "delete" ? "delete" : "write";
    const checks = [
      check("Exists", "Passed", "The exemptions still exist", "Each one was read from Azure just now."),
      check("Fields", "Passed", "The new values meet Azure's rules", "Every field meets Azure's rules."),
      check("Expiry", "Passed", "The new expiry is in the future", "Every new expiry lies ahead."),
      check("Permissions", "Passed", `You may ${verb} these exemptions`, "You hold the permission at each scope."),
      skipped.length
        ? check("Unchanged", "Warning", "Something changes", `Already as asked, so not written: ${skipped.join(", ")}.`)
        : check("Unchanged", "Passed", "Something changes", "Each exemption differs from what it is now."),
    ];
    const planId = `plan-${++sequence}`;
    plans.set(planId, { draft: { recommendationKey: "exemption-change" }, writes });
    return { planId, checks, writes, blocked: writes.length === 0, planError: null };
  }

  function applyChange(w) {
    const at = exemptions.findIndex((x) => x.id === w.path);
    if (at < 0) return;
    if (w.method === "DELETE") {
      exemptions.splice(at, 1);
      return;
    }
    const p = w.body.properties;
    exemptions[at] = {
      ...exemptions[at],
      displayName: p.displayName ?? null,
      description: p.description ?? null,
      category: p.exemptionCategory,
      expiresOn: p.expiresOn ?? null,
      expired: p.expiresOn ? Date.parse(p.expiresOn) < Date.now() : false,
    };
  }

  // --- the register (every exemption, in words) and the settings ---
  let settings = { reminderWindowDays: 30, remindersEnabled: true, ...(fixtures.settings ?? {}) };
  const DAY = 86_400_000;
  function groupNamed(node, name) {
    if (!node) return null;
    if (node.name.toLowerCase() === name.toLowerCase()) return node;
    for (const c of node.children) {
      const found = groupNamed(c, name);
      if (found) return found;
    }
    return null;
  }
  const KNOWN_REFS = {
    storageAccountShouldRestrictNetworkAccess: "aaaaaaaa-0000-4000-8000-000000000001",
    vulnerabilityAssessmentOnVmsMonitoring: "aaaaaaaa-0000-4000-8000-000000000003",
  };
  function recommendationOf(ref) {
    const key =
      KNOWN_REFS[ref] ?? recommendations.find((r) => INITIATIVES.some((i) => i.ref(r.key) === ref))?.key ?? null;
    const rec = key ? recommendations.find((r) => r.key === key) : null;
    return { referenceId: ref, recommendationKey: rec ? rec.key : null, displayName: rec ? rec.displayName : ref };
  }
  function expiryOf(expiresOn) {
    if (!expiresOn) return { kind: "never" };
    const left = Date.parse(expiresOn) - Date.now();
    if (left <= 0) return { kind: "expired" };
    const days = Math.floor(left / DAY);
    return days < settings.reminderWindowDays ? { kind: "expiresSoon", days } : { kind: "active" };
  }
  function toEntry(e) {
    const mg = e.scope.startsWith(MG_PREFIX) ? e.scope.slice(MG_PREFIX.length) : null;
    const parts = e.scope.split("/").filter(Boolean);
    const subId = mg ? null : parts[1];
    const subName = subId ? (fixtures.subscriptions.find((s) => s.id === subId)?.displayName ?? subId) : null;
    const level = mg
      ? "ManagementGroup"
      : parts.length === 2
        ? "Subscription"
        : parts.length === 4
          ? "ResourceGroup"
          : "Resource";
    const scopeName = mg
      ? `${groupNamed(fixtures.groups, mg)?.displayName ?? mg} (management group)`
      : level === "Subscription"
        ? subName
        : level === "ResourceGroup"
          ? `${parts[3]} in ${subName}`
          : `${parts.at(-1)} (${parts.at(-2)}) in ${parts[3]}, ${subName}`;
    const iso = e.policyAssignmentId.endsWith("/iso27001");
    return {
      exemption: clone(e),
      level,
      scopeName,
      subscriptionId: subId,
      subscriptionName: subName,
      initiativeId: `/providers/Microsoft.Authorization/policySetDefinitions/${iso ? "iso27001" : "mcsb"}`,
      initiativeName: iso ? "ISO 27001:2013" : "Microsoft cloud security benchmark",
      assignmentName: iso ? "ISO 27001" : "ASC Default",
      recommendations: e.policyDefinitionReferenceIds.map(recommendationOf),
      expiry: expiryOf(e.expiresOn),
      createdBy: e.createdBy ?? "alex.admin@contoso.example",
      createdAt: e.createdAt ?? "2026-01-05T09:30:00Z",
      lastModifiedBy: null,
      lastModifiedAt: null,
      requestedBy: e.requestedBy ?? null,
      approvedBy: e.approvedBy ?? null,
      ticket: null,
    };
  }
  window.__register = () => exemptions.map(toEntry);

  // --- events (what @tauri-apps/api/event's listen() talks to) ---
  const listeners = [];
  let eventId = 0;
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener(event, id) {
      const i = listeners.findIndex((l) => l.event === event && l.id === id);
      if (i >= 0) listeners.splice(i, 1);
    },
  };
  function emit(event, payload) {
    for (const l of [...listeners])
      if (l.event === event) window[`_${l.handler}`]?.({ event, id: l.id, payload: clone(payload) });
  }
  window.__emit = emit;

  function progress(apply, item) {
    const items = apply.report.items;
    emit("apply-progress", {
      applyId: apply.report.id,
      index: item.index,
      state: item.state,
      attempts: item.attempts,
      message: item.message,
      succeeded: items.filter((i) => i.state === "Succeeded").length,
      failed: items.filter((i) => i.state === "Failed").length,
      total: items.length,
    });
  }

  async function run(apply, indexes) {
    apply.running = true;
    apply.cancelled = false;
    const items = apply.report.items;
    const per = window.__applyItemMs ?? Math.max(1, Math.min(250, Math.floor(3000 / Math.max(indexes.length, 1))));
    for (const [done, index] of indexes.entries()) {
      const item = items[index];
      if (done === window.__applyHoldAfter) {
        while (!apply.cancelled) await delay(50);
        window.__applyHoldAfter = null;
      }
      if (apply.cancelled) break;
      item.state = "Sending";
      item.attempts += 1;
      item.message = null;
      progress(apply, item);
      await delay(per);
      if (window.__applyFailOnce.has(index)) {
        window.__applyFailOnce.delete(index);
        item.state = "Retrying";
        item.message = "Azure is throttling (429 Too Many Requests): retrying in 1 s.";
        progress(apply, item);
        await delay(per * 4); // long enough to be seen
        item.state = "Failed";
        item.message =
          "AuthorizationFailed: the client has no permission to perform action 'Microsoft.Authorization/policyExemptions/write' at this scope.";
        progress(apply, item);
        continue;
      }
      item.state = "Succeeded";
      item.message = null;
      const w = item.write;
      if (w.asRead) {
        applyChange(w);
        progress(apply, item);
        continue;
      }
      const p = w.body.properties;
      exemptions.push({
        id: w.path,
        name: w.name,
        scope: w.scope,
        displayName: p.displayName,
        description: p.description ?? null,
        category: p.exemptionCategory,
        expiresOn: p.expiresOn ?? null,
        expired: false,
        policyAssignmentId: w.policyAssignmentId,
        policyDefinitionReferenceIds: w.policyDefinitionReferenceIds,
      });
      progress(apply, item);
    }
    if (apply.cancelled) {
      for (const index of indexes) {
        const item = items[index];
        if (item.state === "Planned") {
          item.state = "Cancelled";
          progress(apply, item);
        }
      }
    }
    apply.running = false;
    apply.report.finished = items.every((i) => ["Succeeded", "Failed", "Cancelled", "Changed"].includes(i.state));
  }

  // Long reads run under the window's read id until they end or `cancel_read` stops them.
  const readsRunning = new Map();
  const CANCELLED = {
    code: "read_cancelled",
    message: "The read was stopped: nobody is waiting for it any more.",
    details: null,
  };
  window.__readsCancelled = []; // read ids `cancel_read` stopped while they ran
  async function read(readId, work) {
    let cancelled = false;
    readsRunning.set(readId, () => {
      cancelled = true;
      window.__readsCancelled.push(readId);
    });
    try {
      return await work(() => {
        if (cancelled) throw CANCELLED;
      });
    } finally {
      readsRunning.delete(readId);
    }
  }
  // As the backend does: one batch per subscription over the command's channel
  // (`{message, index}` to the channel's callback, then `{index, end}`), then the whole list.
  /** Sends `batches` over the command's channel; answers with the whole list, or
   * (`counted`, as `recommendation_resources` does) with how many rows it sent. */
  function streamRows(args, batchMs, batches, counted = false) {
    const send = (payload) => window[`_${args.onRows.id}`]?.(payload);
    return read(args.readId, async (stopped) => {
      const all = [];
      let index = 0;
      for (const rows of batches) {
        await delay(fixtures.readBatchMs ?? batchMs / Math.max(batches.length, 1));
        stopped();
        if (rows.length === 0) continue;
        send({ message: clone(rows), index: index++ });
        all.push(...rows);
      }
      send({ index, end: true });
      return counted ? all.length : clone(all);
    });
  }

  async function handle(cmd, args) {
    switch (cmd) {
      case "plugin:event|listen": {
        const id = ++eventId;
        listeners.push({ event: args.event, id, handler: args.handler });
        return id;
      }
      case "plugin:event|unlisten":
        window.__TAURI_EVENT_PLUGIN_INTERNALS__.unregisterListener(args.event, args.eventId);
        return null;
      case "database_status":
        return {
          path: "/home/user/.local/share/app.exemptiondesk.desktop/exemption-desk.sqlite",
          problem: null,
          movedTo: null,
        };
      case "session_info":
        return clone(session);
      case "list_profiles":
        await delay(20);
        return clone(profiles);
      case "use_profile": {
        await delay(60);
        const p = profiles.find((x) => x.name === args.name);
        if (!p) throw { code: "not_found", message: `No profile named ${args.name}.`, details: null };
        session = sessionFor(p);
        return clone(session);
      }
      case "sign_out":
        await delay(20);
        profiles = profiles.filter((x) => x.name !== args.name);
        return null;
      case "open_demo":
        await delay(20);
        session = clone(DEMO_SESSION);
        return clone(session);
      case "cancel_sign_in":
        signInCancel?.();
        return null;
      case "open_device_code_page":
        return null;
      case "choose_certificate_file":
        return "/home/sam/exemption-desk-ci.pfx";
      case "sign_in": {
        const r = args.request;
        if (r.method === "DeviceCode") {
          await delay(50);
          emit("device-code", {
            userCode: "FAKE-CODE",
            verificationUri: "https://microsoft.com/devicelogin",
            message:
              "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FAKE-CODE to authenticate.",
            expiresInSeconds: 900,
          });
        }
        // Takes a while (the user signs in elsewhere); Cancel ends it.
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, window.__signInMs);
          signInCancel = () => {
            clearTimeout(timer);
            reject({ code: "sign_in_stopped", message: "Sign-in cancelled.", details: null });
          };
        }).finally(() => {
          signInCancel = null;
        });
        if (r.tenant === "organizations" && r.method.startsWith("ServicePrincipal")) {
          throw { code: "invalid_request", message: "A service principal needs a tenant id or domain.", details: null };
        }
        const profile = {
          name: r.profileName,
          cloud: r.cloud,
          tenant: r.tenant,
          method: r.method,
          clientId: r.clientId,
          account: r.method.startsWith("ServicePrincipal") ? r.clientId : r.loginHint || "sam@fabrikam.example",
        };
        profiles = [...profiles.filter((x) => x.name !== r.profileName), profile];
        session = sessionFor(profile);
        return clone(session);
      }
      case "list_subscriptions":
        await delay(30);
        return clone(fixtures.subscriptions);
      case "write_access":
        return (
          fixtures.writeAccess ?? {
            subscriptions: fixtures.subscriptions.length,
            writable: fixtures.subscriptions.length,
            unknown: 0,
          }
        );
      case "list_management_groups":
        await delay(30);
        return clone(fixtures.groups);
      case "cancel_read":
        readsRunning.get(args.readId)?.();
        return null;
      case "list_recommendations":
        return read(args.readId, async (stopped) => {
          await delay(60);
          stopped();
          return clone(recommendations);
        });
      case "recommendation_resources": {
        const all = resourcesOf(args.recommendationKey, args.subscriptionIds);
        const bySubscription = args.subscriptionIds.map((s) => all.filter((r) => r.subscriptionId === s));
        return streamRows(args, 80, bySubscription, true);
      }
      case "validate_exemption":
        await delay(10);
        return validate(args.draft);
      case "prepare_exemption":
        await delay(60);
        return clone(prepare(args.draft));
      case "grant_security_reader":
        await delay(150);
        granted.add(args.managementGroup);
        return null;
      case "apply_plan": {
        await delay(40);
        const plan = plans.get(args.planId);
        if (!plan) throw { code: "not_found", message: "This plan has expired: preview again.", details: null };
        plans.delete(args.planId);
        const id = `apply-${++sequence}`;
        const report = {
          id,
          startedAt: new Date().toISOString(),
          recommendationKey: plan.draft.recommendationKey,
          finished: false,
          items: plan.writes.map((write, index) => ({ index, write, state: "Planned", attempts: 0, message: null })),
        };
        const apply = { report, cancelled: false, running: false };
        applies.set(id, apply);
        setTimeout(
          () =>
            run(
              apply,
              report.items.map((i) => i.index),
            ),
          30,
        );
        return id;
      }
      case "apply_report": {
        const apply = applies.get(args.applyId);
        if (!apply) throw { code: "not_found", message: "No such apply.", details: null };
        return clone(apply.report);
      }
      case "cancel_apply": {
        const apply = applies.get(args.applyId);
        if (apply) apply.cancelled = true;
        return null;
      }
      case "retry_failed":
      case "resume_apply": {
        const apply = applies.get(args.applyId);
        if (!apply) throw { code: "not_found", message: "No such apply.", details: null };
        const todo = apply.report.items.filter((i) =>
          cmd === "retry_failed" ? i.state === "Failed" : i.state !== "Succeeded",
        );
        for (const item of todo) {
          item.state = "Planned";
          item.message = null;
        }
        apply.report.finished = false;
        setTimeout(
          () =>
            run(
              apply,
              todo.map((i) => i.index),
            ),
          30,
        );
        return null;
      }
      case "unfinished_applies":
        return clone([...applies.values()].filter((a) => !a.running && !a.report.finished).map((a) => a.report));
      case "effect_status": {
        const apply = applies.get(args.applyId);
        if (!apply) throw { code: "not_found", message: "No such apply.", details: null };
        const done = apply.report.items.filter((i) => i.state === "Succeeded");
        const scopes = [...new Set(done.map((i) => i.write.scope))];
        return {
          applyId: args.applyId,
          items: scopes.map((scope) => ({
            scope,
            pending: scope.includes("/resourceGroups/") ? 1 : 3,
            exempt: 0,
            heldBy: [],
          })),
          complete: false,
          expectedBy: new Date(Date.parse(apply.report.startedAt) + 24 * 3600e3).toISOString(),
        };
      }
      case "save_draft":
        savedDraft = clone(args.draft);
        return null;
      case "load_draft":
        return clone(savedDraft);
      case "discard_draft":
        savedDraft = null;
        return null;
      case "prepare_exemption_change":
        await delay(60);
        return clone(prepareChange(args.request));
      case "exemption_details":
        await delay(40);
        return clone(exemptionDetails(args.exemptionId));
      case "exemption_register": {
        // As the backend does: the management groups' first, then one batch per subscription.
        const atGroups = exemptions.filter((e) => e.scope.startsWith(MG_PREFIX));
        const bySub = fixtures.subscriptions.map((s) =>
          exemptions.filter((e) => e.scope.startsWith(`/subscriptions/${s.id}`)),
        );
        return streamRows(
          args,
          40,
          [atGroups, ...bySub].map((rows) => rows.map(toEntry)),
        );
      }
      case "expiring_exemptions":
        return exemptions.map(toEntry).filter((e) => e.expiry.kind === "expiresSoon");
      case "get_settings":
        return clone(settings);
      case "save_settings":
        await delay(80);
        settings = clone(args.settings);
        return clone(settings);
      case "list_exemptions":
        return streamRows(
          args,
          40,
          args.subscriptionIds.map((s) => exemptions.filter((e) => e.scope.startsWith(`/subscriptions/${s}`))),
        );
      case "pending_open_targets":
        return [];
      case "about":
        return { version: "0.1.0", licenses: [{ name: "react", version: "19.3.1", license: "MIT", source: "npm" }] };
      case "diagnostics":
        return "Exemption Desk 0.1.0\nOS: the browser test\nMode: demo tenant (simulator)\n";
      case "open_logs_folder":
        return null;
      default:
        throw { code: "unknown", message: `No such command: ${cmd}`, details: null };
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
      calls.push({ cmd, args: cmd === "plugin:event|listen" ? { event: args.event } : clone(args) });
      const failure = window.__ipcFail[cmd];
      if (failure) {
        delete window.__ipcFail[cmd];
        await delay(20);
        throw failure;
      }
      const answer = await handle(cmd, args);
      window.__ipcAnswered[cmd] = performance.now();
      return answer;
    },
  };
}

const noEndpoints = { authorityHost: null, armEndpoint: null, graphEndpoint: null };
export const PROFILES = [
  {
    name: "contoso-prod",
    cloud: { kind: "Public", ...noEndpoints },
    tenant: "contoso.onmicrosoft.com",
    method: "Browser",
    clientId: "",
    account: "alex@contoso.com",
  },
  {
    name: "gov-lab",
    cloud: { kind: "UsGovernment", ...noEndpoints },
    tenant: "fabrikam.onmicrosoft.us",
    method: "DeviceCode",
    clientId: "",
    account: "sam@fabrikam.us",
  },
];

export const FIXTURES = {
  profiles: PROFILES,
  subscriptions: SUBSCRIPTIONS,
  recommendations: RECOMMENDATIONS,
  exemptions: EXISTING_EXEMPTIONS,
  groups: MANAGEMENT_GROUPS,
  resourceTypes: RESOURCE_TYPES,
};
