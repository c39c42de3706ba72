//! What the simulator itself costs per list page: starts each given
//! `azure-sim` binary on the same seed, one after the other, and times (1) the
//! first request (it builds the lookup tables) and the first assessments page
//! of a subscription, (2) one page again (median of 5), and (3) a full pass over the
//! subscriptions' assessments (every page of each). No added latency.
//!
//! ```sh
//! cargo run -p azure-sim --example list_cost -- [--seed scale:200x250] BIN[:SUBS] ...
//! ```
//! `SUBS` limits the full pass to the first SUBS subscriptions (the time is
//! then also given extrapolated to all of them, marked `~`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const API: &str = "2021-06-01";

struct Sim {
    child: Child,
    base: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(bin: &str, seed: &str) -> Result<Sim, String> {
    let mut child = Command::new(bin)
        .args(["--seed", seed, "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let base = line.trim().strip_prefix("listening on ").ok_or_else(|| format!("unexpected first line: {line}"))?.to_string();
    Ok(Sim { child, base })
}

async fn get(http: &reqwest::Client, token: &str, url: &str) -> Result<Value, String> {
    let r = http.get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("{url}: {}", r.status()));
    }
    r.json().await.map_err(|e| e.to_string())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn measure(bin: &str, limit: Option<usize>, seed: &str) -> Result<(), String> {
    let started = Instant::now();
    let sim = start(bin, seed)?;
    let up = started.elapsed();
    let http = reqwest::Client::new();
    let tenant = azure_sim::demo_identity().tenant_id;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", azure_sim::seed::demo::CI_CLIENT_ID),
        ("client_secret", azure_sim::seed::demo::CI_CLIENT_SECRET),
        ("scope", "https://management.azure.com/.default"),
    ];
    let t: Value = http
        .post(format!("{}/{tenant}/oauth2/v2.0/token", sim.base))
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let token = t["access_token"].as_str().ok_or("no token")?.to_string();
    let mut subs: Vec<String> = Vec::new();
    let mut next = Some(format!("{}/subscriptions?api-version=2022-12-01", sim.base));
    let t0 = Instant::now();
    let mut tables = None;
    while let Some(url) = next.take() {
        let page = get(&http, &token, &url).await?;
        subs.extend(page["value"].as_array().into_iter().flatten().filter_map(|s| s["subscriptionId"].as_str().map(str::to_string)));
        next = page["nextLink"].as_str().map(str::to_string);
        tables.get_or_insert(t0.elapsed());
    }
    let page_url = |s: &str| format!("{}/subscriptions/{s}/providers/Microsoft.Security/assessments?api-version={API}", sim.base);
    let first_sub = subs.first().ok_or("no subscriptions")?;
    let t0 = Instant::now();
    get(&http, &token, &page_url(first_sub)).await?;
    let cold = t0.elapsed();
    let mut warm = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        get(&http, &token, &page_url(subs.get(1).unwrap_or(first_sub))).await?;
        warm.push(t0.elapsed());
    }
    warm.sort();
    let n = limit.unwrap_or(subs.len()).min(subs.len());
    let (mut pages, mut items) = (0usize, 0usize);
    let t0 = Instant::now();
    for s in &subs[..n] {
        let mut next = Some(page_url(s));
        while let Some(url) = next.take() {
            let page = get(&http, &token, &url).await?;
            pages += 1;
            items += page["value"].as_array().map(Vec::len).unwrap_or(0);
            next = page["nextLink"].as_str().map(str::to_string);
        }
    }
    let pass = t0.elapsed();
    let whole = if n < subs.len() && n > 0 {
        format!("~{:.1} s for all {} (extrapolated)", pass.as_secs_f64() * subs.len() as f64 / n as f64, subs.len())
    } else {
        format!("{:.1} s", pass.as_secs_f64())
    };
    println!("{bin}\n  seed {seed}: listening after {}", ms(up));
    let tables = tables.map(ms).unwrap_or_default();
    println!(
        "  first request (subscriptions; builds any tables): {tables}; first assessments page: {}; one page (median of 5): {}",
        ms(cold),
        ms(warm[2])
    );
    println!("  full pass over {n} subscriptions: {pages} pages, {items} assessments in {:.2} s -> {whole}", pass.as_secs_f64());
    Ok(())
}

#[tokio::main]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed = "scale:200x250".to_string();
    if let Some(i) = args.iter().position(|a| a == "--seed") {
        if i + 1 < args.len() {
            seed = args.remove(i + 1);
        }
        args.remove(i);
    }
    for arg in &args {
        let (bin, limit) = match arg.rsplit_once(':') {
            Some((b, n)) if n.parse::<usize>().is_ok() => (b, n.parse().ok()),
            _ => (arg.as_str(), None),
        };
        if let Err(e) = measure(bin, limit, &seed).await {
            eprintln!("{bin}: {e}");
            std::process::exit(1);
        }
    }
}
