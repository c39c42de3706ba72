//! `azure-sim --seed demo --addr 127.0.0.1:0`: prints `listening on URL` as the
//! first line of stdout, then serves until killed.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(name = "azure-sim", about = "Azure (Entra ID + ARM) simulator for Exemption Desk")]
struct Args {
    /// Seed to load: demo, conformance or scale:<subscriptions>x<resources>.
    #[arg(long, default_value = "demo")]
    seed: String,
    /// Address to listen on (port 0 = any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Seconds (simulated) before a new exemption shows in assessments.
    #[arg(long, default_value_t = 5)]
    effect_delay_seconds: i64,
    /// Lifetime of issued access tokens, seconds.
    #[arg(long, default_value_t = 3599)]
    token_lifetime_seconds: i64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let sim = match azure_sim::Simulator::start(&args.seed, args.addr).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("azure-sim: {e}");
            std::process::exit(1);
        }
    };
    sim.set_exemption_effect_delay(args.effect_delay_seconds);
    sim.set_token_lifetime(args.token_lifetime_seconds);
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", sim.base_url());
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
