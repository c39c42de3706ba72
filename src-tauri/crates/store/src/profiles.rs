//! Remembered sign-ins: names, clouds, tenants, methods. Nothing secret: the
//! refresh token or client secret of a profile lives in the OS keyring.

use chrono::Utc;
use desk_core::session::Profile;
use rusqlite::params;

use crate::error::StoreError;
use crate::Store;

impl Store {
    pub fn save_profile(&self, profile: &Profile) -> Result<(), StoreError> {
        let json = serde_json::to_string(profile).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn()?.execute(
            "INSERT INTO profiles (name, profile_json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET profile_json = excluded.profile_json, updated_at = excluded.updated_at",
            params![profile.name, json, Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// Every profile, most recently used first; damaged rows are skipped.
    pub fn profiles(&self) -> Result<Vec<Profile>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare("SELECT profile_json FROM profiles ORDER BY updated_at DESC")?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        let mut found = Vec::new();
        for row in rows {
            if let Ok(profile) = serde_json::from_str(&row?) {
                found.push(profile);
            }
        }
        Ok(found)
    }

    pub fn delete_profile(&self, name: &str) -> Result<(), StoreError> {
        self.conn()?.execute("DELETE FROM profiles WHERE name = ?1", params![name])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use desk_core::session::{CloudChoice, CloudKind, Profile, SignInMethod};

    use crate::Store;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            cloud: CloudChoice {
                kind: CloudKind::UsGovernment,
                authority_host: None,
                arm_endpoint: None,
                graph_endpoint: None,
                arm_audience: None,
            },
            tenant: "contoso.onmicrosoft.us".into(),
            method: SignInMethod::Browser,
            client_id: String::new(),
            certificate_path: String::new(),
            account: "alex@contoso.us".into(),
        }
    }

    #[test]
    fn profiles_are_remembered_replaced_and_forgotten() {
        let store = Store::in_memory().expect("opens");
        store.save_profile(&profile("gov")).expect("saves");
        store.save_profile(&profile("other")).expect("saves");
        let mut changed = profile("gov");
        changed.account = "morgan@contoso.us".into();
        store.save_profile(&changed).expect("replaces");
        let all = store.profiles().expect("reads");
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().find(|p| p.name == "gov"), Some(&changed));
        store.delete_profile("gov").expect("deletes");
        assert_eq!(store.profiles().expect("reads").iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["other"]);
    }
}
