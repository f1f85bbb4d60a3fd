//! What the scenario command tests share: the checkout's root, a fresh
//! scratch folder, and a folder's files by their hashes. Included by path
//! (`#[path]`), so these tests need none of the database support.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An empty folder of this test process, `prefix` and `name` telling whose.
pub fn scratch(prefix: &str, name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("marketlab-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file of a folder (recursively) but the wall-clock `timing.json`,
/// by path, with its SHA-256.
pub fn hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().unwrap() != "timing.json" {
                let key = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(
                    key,
                    hex::encode(Sha256::digest(std::fs::read(&path).unwrap())),
                );
            }
        }
    }
    out
}
