//! Property: whatever the scope, the number of initiatives holding the
//! recommendation and the length of the user's name (up to 64 UTF-16 units,
//! multi-byte and astral characters included), a plan's paths are distinct
//! and every derived name is a valid name of at most 64 UTF-16 units.

use proptest::prelude::*;

use super::*;
use crate::fixtures::*;
use crate::scope::ScopeChoice;
use crate::validation::name_errors;

/// Characters a name may hold, of 1, 2 (UTF-8) and 2 (UTF-16) units.
const POOL: &[char] = &['a', 'Z', '7', '-', '_', ' ', 'é', 'ß', '中', '\u{00A0}', '\u{1F600}', '\u{1D4B3}'];

/// A valid name filling `units` UTF-16 units as closely as the pool allows.
fn name_of(picks: &[usize], units: usize) -> String {
    let mut name = String::new();
    let mut used = 0usize;
    for pick in picks {
        let c = POOL[pick % POOL.len()];
        if used + c.len_utf16() > units {
            break;
        }
        used += c.len_utf16();
        name.push(c);
    }
    let trimmed = name.trim_end();
    let name = if trimmed.trim().is_empty() { "x".to_owned() } else { trimmed.to_owned() };
    name
}

fn scope_of_kind(kind: usize) -> String {
    let sub = sub(SUB_A);
    match kind % 4 {
        0 => "/providers/Microsoft.Management/managementGroups/landing-zones".to_owned(),
        1 => sub,
        2 => format!("{sub}/resourceGroups/rg-data"),
        _ => format!("{sub}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/st1"),
    }
}

/// `count` initiatives holding the recommendation, assigned at the scope or
/// above it, with names that share long prefixes, repeat across scopes, or
/// hold characters a name may not.
fn assignments(scope: &str, count: usize, name_style: usize) -> Vec<AssignedInitiative> {
    let above = ["/providers/Microsoft.Management/managementGroups/root", scope];
    (0..count)
        .map(|i| {
            let mut a = iso(scope);
            let name = match name_style % 3 {
                0 => format!("SecurityCenterBuiltIn{i}"),
                1 => "SecurityCenterBuiltIn".to_owned(),
                _ => format!("iso:27001.v{i}+é"),
            };
            a.assignment_id = format!("{}/providers/Microsoft.Authorization/policyAssignments/{name}", above[i % 2]);
            if name_style % 3 == 1 && i >= 2 {
                // Same name at a third scope, so only the id tells them apart.
                a.assignment_id = format!(
                    "/providers/Microsoft.Management/managementGroups/mg{i}/providers/Microsoft.Authorization/policyAssignments/{name}"
                );
            }
            a.initiative_name = format!("Initiative {i}");
            a
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn derived_names_are_unique_and_within_64_utf16_units(
        kinds in proptest::collection::vec(0usize..4, 1..4),
        count in 1usize..9,
        name_style in 0usize..3,
        units in prop_oneof![1usize..=64, 58usize..=64],
        picks in proptest::collection::vec(0usize..64, 1..70),
    ) {
        let mut d = draft();
        d.name = name_of(&picks, units);
        d.scope = ScopeChoice::Subscriptions { ids: vec![SUB_A.into()] };
        prop_assume!(name_errors(&d.name).is_empty());
        let mut scopes: Vec<String> = kinds.iter().map(|k| scope_of_kind(*k)).collect();
        scopes.sort();
        scopes.dedup();
        let all: Vec<ScopeFacts> = scopes.iter().map(|s| facts(s, assignments(s, count, name_style))).collect();
        let writes = plan_exemptions(&d, &recommendation(), &all, &requester(), now())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(writes.len(), scopes.len() * count);
        let mut paths = std::collections::HashSet::new();
        for w in &writes {
            prop_assert!(w.name.encode_utf16().count() <= 64, "{} is {} units", w.name, w.name.encode_utf16().count());
            prop_assert!(name_errors(&w.name).is_empty(), "{:?}: {:?}", w.name, name_errors(&w.name));
            prop_assert!(paths.insert(w.path.to_lowercase()), "{} twice", w.path);
            let typed = exemption_path(&w.scope, &w.name).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert_eq!(typed.to_string(), w.path.clone());
            prop_assert_eq!(typed.segments().last().map(String::as_str), Some(w.name.as_str()), "the name is one segment");
        }
    }
}
