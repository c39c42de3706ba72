//! Compresses the MCSB initiative (`data/mcsb-initiative.json`, 369 KB as
//! published) into `OUT_DIR`: minified, then brotli, so the app's binary carries
//! 25 KB of it. `seed::mcsb_definition` decodes it when a tenant is seeded.

use std::io::Write;
use std::path::PathBuf;

fn main() {
    let source = "data/mcsb-initiative.json";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let minified = serde_json::to_vec(&value).unwrap_or_else(|e| panic!("{source}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("mcsb-initiative.json.br");
    let file = std::fs::File::create(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    // Quality 11, a 4 MiB window: the smallest output; decoding speed does not depend on it.
    let mut writer = brotli::CompressorWriter::new(file, 64 * 1024, 11, 22);
    writer.write_all(&minified).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    writer.flush().unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
