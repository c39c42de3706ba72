//! `azure-sim --seed demo --addr 127.0.0.1:0`: prints `listening on URL` as the
//! first line of stdout, then serves until killed. In TLS mode (`--tls`, or
//! `--tls-cert`/`--tls-key`) the URL is `https://…` and the second line is
//! `certificate: PATH`, the PEM file of the certificate clients must trust.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// Serve HTTPS with a self-signed certificate generated at start.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    tls: bool,
    /// Serve HTTPS with this PEM certificate (chain); needs --tls-key.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where to write the served certificate (PEM) in TLS mode (default: a
    /// file in the temporary directory named after the port).
    #[arg(long)]
    tls_cert_out: Option<PathBuf>,
    /// Page size of the management-group list, descendants and policy
    /// assignment lists (default: 5, 5 and 500).
    #[arg(long)]
    list_page_size: Option<usize>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let tls = match (args.tls, args.tls_cert, args.tls_key) {
        (true, _, _) => azure_sim::Tls::SelfSigned,
        (false, Some(cert), Some(key)) => azure_sim::Tls::Files { cert, key },
        _ => azure_sim::Tls::Off,
    };
    let sim = match azure_sim::Simulator::start_with(&args.seed, args.addr, azure_sim::Options { tls }).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("azure-sim: {e}");
            std::process::exit(1);
        }
    };
    sim.set_exemption_effect_delay(args.effect_delay_seconds);
    sim.set_token_lifetime(args.token_lifetime_seconds);
    if let Some(n) = args.list_page_size {
        sim.set_list_page_size(Some(n));
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", sim.base_url());
    if let Some(pem) = sim.certificate_pem() {
        let port = sim.base_url().rsplit(':').next().unwrap_or("0").to_string();
        let path = args.tls_cert_out.unwrap_or_else(|| std::env::temp_dir().join(format!("azure-sim-{port}.pem")));
        if let Err(e) = std::fs::write(&path, pem) {
            eprintln!("azure-sim: cannot write the certificate to {}: {e}", path.display());
            std::process::exit(1);
        }
        let _ = writeln!(out, "certificate: {}", path.display());
    }
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
}
