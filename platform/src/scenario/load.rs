//! Reading a scenario: the file, its checks, and its bots' scripts (paths
//! relative to the file, each compiled once however many groups run it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use marketlab_actors::bots::BotScript;
use marketlab_actors::scenario::{self, Scenario};
use sha2::{Digest, Sha256};

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// One per bot group.
    pub scripts: Vec<Arc<BotScript>>,
    /// Each group's script source (a live run saves it with its bots).
    pub sources: Vec<Arc<str>>,
    /// SHA-256 of the scenario file, hex.
    pub file_sha256: String,
    /// Each script as the file names it, with its SHA-256.
    pub script_sha256: BTreeMap<String, String>,
    /// What `scenario check` points out besides errors.
    pub warnings: Vec<String>,
}

/// Every problem, each naming the key (and line) it is about.
pub fn load(path: &Path) -> Result<Loaded, Vec<String>> {
    let shown = path.display().to_string();
    let text = read(path).map_err(|e| vec![e])?;
    load_text(&text, &shown, path.parent().unwrap_or(Path::new(".")))
}

/// A scenario file's text.
pub fn read(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: cannot read it: {e}"))?;
    String::from_utf8(bytes).map_err(|_| format!("{shown}: is not UTF-8 text"))
}

/// A scenario from its text, as if read from a file that problems call
/// `shown`, in folder `base` (where its scripts' paths start).
pub fn load_text(text: &str, shown: &str, base: &Path) -> Result<Loaded, Vec<String>> {
    let file = scenario::parse(text).map_err(|e| vec![format!("{shown}: {e}")])?;
    let checked = Scenario::from_file(&file);

    let mut problems: Vec<String> = match &checked {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| format!("{shown}: {e}")).collect(),
    };
    let mut warnings = Vec::new();
    let mut compiled: BTreeMap<PathBuf, (Arc<BotScript>, Arc<str>)> = BTreeMap::new();
    let mut script_sha256 = BTreeMap::new();
    let mut scripts = Vec::new();
    let mut sources = Vec::new();
    for (i, group) in file.bots.iter().enumerate() {
        let key = format!("{shown}: bots[{i}].script");
        let resolved = base.join(&group.script);
        if let Some((script, source)) = compiled.get(&resolved) {
            scripts.push(script.clone());
            sources.push(source.clone());
            continue;
        }
        let source = match std::fs::read_to_string(&resolved) {
            Ok(source) => source,
            Err(e) => {
                problems.push(format!("{key}: cannot read {}: {e}", resolved.display()));
                continue;
            }
        };
        match BotScript::compile(&group.script, &source) {
            Ok(script) => {
                warnings.extend(
                    script
                        .warnings()
                        .into_iter()
                        .map(|w| format!("{key}: {}: {w}", group.script)),
                );
                script_sha256.insert(group.script.clone(), hex::encode(Sha256::digest(&source)));
                let source: Arc<str> = source.into();
                compiled.insert(resolved, (script.clone(), source.clone()));
                scripts.push(script);
                sources.push(source);
            }
            Err(error) => problems.push(format!("{key}: {}: {error}", group.script)),
        }
    }
    match checked {
        Ok(scenario) if problems.is_empty() => Ok(Loaded {
            scenario,
            scripts,
            sources,
            file_sha256: hex::encode(Sha256::digest(text)),
            script_sha256,
            warnings,
        }),
        _ => Err(problems),
    }
}
