//! Azure's built-in roles the simulator knows, and how an action matches a
//! role's action pattern. Pure data: imports nothing of the simulator.

/// A built-in role: (name, role definition GUID, actions, notActions, dataActions).
#[derive(Debug)]
pub struct Role {
    pub name: &'static str,
    pub id: &'static str,
    pub actions: &'static [&'static str],
    pub not_actions: &'static [&'static str],
    /// Data-plane actions (`dataActions`): what Azure Storage checks on
    /// entity reads and writes; management roles (Owner…) carry none.
    pub data_actions: &'static [&'static str],
}

pub const ROLES: &[Role] = &[
    Role { name: "Owner", id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", actions: &["*"], not_actions: &[], data_actions: &[] },
    Role {
        name: "Contributor",
        id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
        actions: &["*"],
        not_actions: &[
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
        ],
        data_actions: &[],
    },
    Role { name: "Reader", id: "acdd72a7-3385-48ef-bd42-f606fba81ae7", actions: &["*/read"], not_actions: &[], data_actions: &[] },
    Role {
        name: "Security Admin",
        id: "fb1c8493-542b-48eb-b624-b4c8fea62acd",
        actions: &[
            "Microsoft.Authorization/*/read",
            "Microsoft.Authorization/policyAssignments/*",
            "Microsoft.Authorization/policyDefinitions/*",
            "Microsoft.Authorization/policyExemptions/*",
            "Microsoft.Authorization/policySetDefinitions/*",
            "Microsoft.Insights/alertRules/*",
            "Microsoft.Management/managementGroups/read",
            "Microsoft.operationalInsights/workspaces/*/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Security/*",
            "Microsoft.IoTSecurity/*",
            "Microsoft.Support/*",
        ],
        not_actions: &[],
        data_actions: &[],
    },
    Role {
        name: "Resource Policy Contributor",
        id: "36243c78-bf99-498c-9df9-86d9f8d28608",
        // As Azure's built-in role (Microsoft Learn, "Azure built-in roles"):
        // `*/read`, so its holders read resources and the hierarchy.
        actions: &[
            "*/read",
            "Microsoft.Authorization/policyassignments/*",
            "Microsoft.Authorization/policydefinitions/*",
            "Microsoft.Authorization/policyexemptions/*",
            "Microsoft.Authorization/policysetdefinitions/*",
            "Microsoft.PolicyInsights/*",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Support/*",
        ],
        not_actions: &[],
        data_actions: &[],
    },
    // Azure Storage's table data roles (Microsoft Learn, "Azure built-in roles", Storage).
    Role {
        name: "Storage Table Data Contributor",
        id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        actions: &[
            "Microsoft.Storage/storageAccounts/tableServices/tables/read",
            "Microsoft.Storage/storageAccounts/tableServices/tables/write",
            "Microsoft.Storage/storageAccounts/tableServices/tables/delete",
        ],
        not_actions: &[],
        data_actions: &[
            "Microsoft.Storage/storageAccounts/tableServices/tables/entities/read",
            "Microsoft.Storage/storageAccounts/tableServices/tables/entities/write",
            "Microsoft.Storage/storageAccounts/tableServices/tables/entities/delete",
            "Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action",
            "Microsoft.Storage/storageAccounts/tableServices/tables/entities/update/action",
        ],
    },
    Role {
        name: "Storage Table Data Reader",
        id: "76199698-9eea-4c19-bc75-cec21354c6b6",
        actions: &["Microsoft.Storage/storageAccounts/tableServices/tables/read"],
        not_actions: &[],
        data_actions: &["Microsoft.Storage/storageAccounts/tableServices/tables/entities/read"],
    },
];

pub fn role(name: &str) -> Option<&'static Role> {
    ROLES.iter().find(|r| r.name.eq_ignore_ascii_case(name))
}

pub fn role_by_definition_id(id: &str) -> Option<&'static Role> {
    let guid = id.rsplit('/').next().unwrap_or(id);
    ROLES.iter().find(|r| r.id.eq_ignore_ascii_case(guid))
}

/// Case-insensitive match of an action against a pattern with `*` wildcards.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        match p.split_first() {
            None => a.is_empty(),
            Some((b'*', rest)) => (0..=a.len()).any(|i| go(rest, &a[i..])),
            Some((c, rest)) => a.split_first().is_some_and(|(d, arest)| c.eq_ignore_ascii_case(d) && go(rest, arest)),
        }
    }
    go(pattern.as_bytes(), action.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(action_matches("*", "Microsoft.Authorization/policyExemptions/write"));
        assert!(action_matches("*/read", "Microsoft.Security/assessments/read"));
        assert!(!action_matches("*/read", "Microsoft.Security/assessments/write"));
        assert!(action_matches("Microsoft.Authorization/*/Write", "Microsoft.Authorization/policyExemptions/write"));
        assert!(action_matches("Microsoft.Authorization/policyexemptions/*", "Microsoft.Authorization/policyExemptions/delete"));
        assert!(!action_matches("Microsoft.Authorization/policyexemptions/*", "Microsoft.Authorization/roleAssignments/write"));
    }
}
