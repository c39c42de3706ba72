// Facts of the simulator's `demo` seed that the end-to-end tests rely on
// (src-tauri/crates/sim/src/seed/demo.rs; the MCSB reference id comes from the
// initiative file the simulator serves).
export const seed = {
  servicePrincipal: "exemption-desk-ci",
  /** Reader at the Contoso management group: may read everything, write nothing. */
  reader: "riley.reader@contoso.example",
  readerObjectId: "3241055d-c045-41c0-a32d-600cdefb8d77",
  /** The request register: Alex, Morgan and Riley hold Storage Table Data Contributor on the account. */
  requestTable: { account: "stcontosorisk", table: "exemptionrequests" },
  /** Owner at the Contoso management group: may grant roles. */
  owner: "morgan.manager@contoso.example",
  ownerObjectId: "06588400-eea3-4c98-ae13-3136bc49adf7",
  /** The benchmark is assigned here and Defender's service principal cannot read it yet. */
  managementGroup: { name: "contoso-landingzones", displayName: "Landing Zones" },
  /** Object id of the Windows Azure Security Resource Provider in the demo tenant. */
  securityProviderObjectId: "8313e63d-0f9a-4c80-970a-40949f41f0d6",
  recommendation: {
    searchFor: "secure transfer",
    displayName: "Secure transfer to storage accounts should be enabled",
    referenceIds: ["secureTransferToStorageAccountMonitoring"],
  },
  /** ISO 27001 assigned on one storage account in Development (below its subscription). */
  isoOnResource: {
    resourceId:
      "/subscriptions/7e1e376c-0a32-45d3-9c1d-6adb8eccc958/resourceGroups/rg-dev-data/providers/Microsoft.Storage/storageAccounts/stcontosodevdata",
    assignment: "iso27001-devdata",
  },
  subscriptions: [
    { id: "ccc1c389-e16e-4c4b-b02a-71990e781ba5", displayName: "Contoso Production" },
    { id: "7e1e376c-0a32-45d3-9c1d-6adb8eccc958", displayName: "Contoso Development" },
  ],
};
