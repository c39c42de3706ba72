//! Programs the app starts (the browser opener, `az`, `azd`) never inherit
//! the secrets the app was given in its environment.

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};

use url::Url;

use crate::connect::env;

/// Environment variables that hold secrets: removed from every child.
pub const SECRET_VARIABLES: [&str; 2] = [env::CLIENT_SECRET, env::CLIENT_CERTIFICATE_PASSWORD];

/// `command` without the app's secret variables.
pub fn without_secrets(command: &mut Command) -> &mut Command {
    for name in SECRET_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Open `url` in the browser: with `program` when given (the
/// `EXEMPTION_DESK_BROWSER` stand-in), else the system's opener
/// (`xdg-open`, `open`, `start`), trying each until one starts.
pub fn open_url(program: Option<&OsStr>, url: &Url) -> Result<(), String> {
    let candidates = match program {
        Some(program) => {
            let mut command = Command::new(program);
            command.arg(url.as_str());
            vec![command]
        }
        None => open::commands(url.as_str()),
    };
    spawn_first(candidates, "no program to open a browser with")
}

/// Open a folder (or file) with the system's opener (`xdg-open`, `open`,
/// `explorer`), trying each until one starts.
pub fn open_path(path: &std::path::Path) -> Result<(), String> {
    spawn_first(open::commands(path), "no program to open a folder with")
}

fn spawn_first(candidates: Vec<Command>, none: &str) -> Result<(), String> {
    let mut last = String::from(none);
    for mut command in candidates {
        without_secrets(&mut command).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        match command.spawn() {
            Ok(mut child) => {
                // Reaped in the background; the browser may outlive this call.
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => last = format!("{}: {e}", command.get_program().to_string_lossy()),
        }
    }
    Err(last)
}

/// Runs `az` / `azd` for `azure_identity`'s developer-tools credentials,
/// without the app's secret variables.
#[derive(Debug)]
pub struct SecretFreeExecutor;

#[async_trait::async_trait]
impl azure_identity::Executor for SecretFreeExecutor {
    async fn run(&self, program: &OsStr, args: &[&OsStr]) -> std::io::Result<Output> {
        let mut command = tokio::process::Command::new(program);
        command.args(args);
        for name in SECRET_VARIABLES {
            command.env_remove(name);
        }
        command.output().await
    }
}
