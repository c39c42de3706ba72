//! `azure-sim --seed demo --addr 127.0.0.1:0`: prints `listening on URL` as the
//! first line of stdout, then serves until killed.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;

#[derive(Parser, Debug)]
#[command(name = "azure-sim", about = "Azure (Entra ID + ARM) simulator for Exemption Desk")]
struct Args {
    /// Seed to load.
    #[arg(long, default_value = "demo")]
    seed: String,
    /// Address to listen on (port 0 = any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
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
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", sim.base_url());
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
