//! What the simulator's Resource Graph costs per query, with no latency:
//! starts `scale:200x250` in this process and times (median of 3) the app's
//! recommendation-count query (one `summarize` over every assessment) and
//! the first page of one recommendation's assessments.
//!
//! ```sh
//! cargo run --release -p azure-sim --example arg_cost [-- SEED]
//! ```

use std::time::Instant;

use serde_json::{json, Value};

const COUNTS: &str = "securityresources | where type == \"microsoft.security/assessments\" \
| extend code = tostring(properties.status.code), displayName = tostring(properties.displayName) \
| summarize count() by name, code, displayName";

#[tokio::main]
async fn main() -> Result<(), String> {
    let seed = std::env::args().nth(1).unwrap_or_else(|| "scale:200x250".into());
    let sim = azure_sim::Simulator::start(&seed, "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?).await.map_err(|e| e.to_string())?;
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", azure_sim::seed::demo::CI_CLIENT_ID),
        ("client_secret", azure_sim::seed::demo::CI_CLIENT_SECRET),
        ("scope", "https://management.azure.com/.default"),
    ];
    let tenant = azure_sim::demo_identity().tenant_id;
    let t: Value = http
        .post(format!("{base}/{tenant}/oauth2/v2.0/token"))
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = t["access_token"].as_str().ok_or("no token")?.to_string();
    http.post(format!("{base}/_sim/settings")).json(&json!({"resourceGraphQuota": 1000})).send().await.map_err(|e| e.to_string())?;
    let url = format!("{base}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01");
    let time = |query: String| {
        let (http, token, url) = (http.clone(), token.clone(), url.clone());
        async move {
            let mut took = Vec::new();
            let mut answer = Value::Null;
            for _ in 0..3 {
                let started = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"query": query, "options": {"$top": 1000}}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                answer = r.json::<Value>().await.map_err(|e| e.to_string())?;
                took.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            took.sort_by(f64::total_cmp);
            Ok::<(f64, Value), String>((took[1], answer))
        }
    };
    let (ms, counts) = time(COUNTS.to_string()).await?;
    println!("{seed}: recommendation counts (one summarize): {ms:.0} ms, {} rows", counts["totalRecords"]);
    let key = counts["data"][0]["name"].as_str().ok_or("no recommendation")?.to_string();
    let (ms, page) = time(format!("securityresources | where type == \"microsoft.security/assessments\" and name =~ \"{key}\"")).await?;
    println!("{seed}: one recommendation's first page: {ms:.0} ms, {} rows in all", page["totalRecords"]);
    sim.shutdown().await;
    Ok(())
}
