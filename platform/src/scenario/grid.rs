//! A sweep's grid: every combination of the `--set` values (in the order
//! the keys were given, the last varying fastest) times the seeds (faster
//! still). Each run has an index in that order and a folder named by its
//! parameters and seed, `bots.1.count=2,fees.commission=0.0001,seed=5`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::overrides::{KeyPath, label};

/// One `--set KEY=V1,V2,...`, the values as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    pub key: String,
    pub values: Vec<String>,
}

/// `--seeds A..B`, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seeds {
    pub first: u64,
    pub last: u64,
}

impl std::str::FromStr for Seeds {
    type Err = String;

    fn from_str(text: &str) -> Result<Seeds, String> {
        let number = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| format!("{text:?} is not a range of seeds like 1..100"))
        };
        let (first, last) = match text.split_once("..") {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(text)?, number(text)?),
        };
        if first > last {
            return Err(format!("{text:?}: the first seed is after the last"));
        }
        Ok(Seeds { first, last })
    }
}

impl Seeds {
    pub fn count(&self) -> u64 {
        self.last - self.first + 1
    }
}

/// What a sweep is. Every run.json of it holds the same, and so does its
/// manifest: a merge compares them to tell sweeps apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    /// The scenario file's name (without its folder).
    pub scenario: String,
    /// Of the scenario file as given, before any value was set.
    pub scenario_sha256: String,
    pub keys: Vec<Axis>,
    pub seeds: Seeds,
}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub index: u64,
    pub folder: String,
    /// Key path to the value as given.
    pub parameters: BTreeMap<String, String>,
    pub seed: u64,
}

/// Longest folder name most file systems take.
const NAME_MAX: usize = 255;

impl Sweep {
    /// Combinations of the values, seeds aside.
    pub fn points(&self) -> u64 {
        self.keys.iter().map(|a| a.values.len() as u64).product()
    }

    /// Every run; `None` when there are too many to count.
    pub fn runs(&self) -> Option<u64> {
        self.keys.iter().try_fold(self.seeds.count(), |n, a| {
            n.checked_mul(a.values.len() as u64)
        })
    }

    /// The values of point `point`, one per key, in key order.
    pub fn point(&self, point: u64) -> Vec<&str> {
        let mut rest = point;
        let mut values: Vec<&str> = self
            .keys
            .iter()
            .rev()
            .map(|axis| {
                let n = axis.values.len() as u64;
                let value = &axis.values[(rest % n) as usize];
                rest /= n;
                value.as_str()
            })
            .collect();
        values.reverse();
        values
    }

    /// Run `index` (below [`Sweep::runs`]): its point and seed.
    pub fn run(&self, index: u64) -> (u64, Run) {
        let seeds = self.seeds.count();
        let point = index / seeds;
        let seed = self.seeds.first + index % seeds;
        let values = self.point(point);
        let mut folder: Vec<String> = self
            .keys
            .iter()
            .zip(&values)
            .map(|(axis, value)| {
                let key = KeyPath::parse(&axis.key).map_or(axis.key.clone(), |k| k.dotted());
                format!("{}={}", safe(&key), safe(&label(value)))
            })
            .collect();
        folder.push(format!("seed={seed}"));
        let run = Run {
            index,
            folder: folder.join(","),
            parameters: self
                .keys
                .iter()
                .zip(&values)
                .map(|(axis, value)| (axis.key.clone(), (*value).to_owned()))
                .collect(),
            seed,
        };
        (point, run)
    }

    /// Folder names that would not do: too long, or the same for two
    /// different points (values that differ only in how they are written,
    /// like `3` and `"3"`, or a value given twice).
    pub fn folder_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen: BTreeMap<String, u64> = BTreeMap::new();
        for point in 0..self.points() {
            let (_, run) = self.run(point * self.seeds.count());
            let name = run.folder.clone();
            if name.len() > NAME_MAX {
                problems.push(format!(
                    "{}: the folder name is {} bytes, more than {NAME_MAX}",
                    name,
                    name.len()
                ));
            }
            if let Some(&other) = seen.get(&name) {
                problems.push(format!(
                    "{} and {} give the same folder {name}: give each value once",
                    self.shown(other),
                    self.shown(point)
                ));
            }
            seen.insert(name, point);
        }
        problems
    }

    /// A point as `key=value, key=value`.
    pub fn shown(&self, point: u64) -> String {
        self.keys
            .iter()
            .zip(self.point(point))
            .map(|(axis, value)| format!("{}={value}", axis.key))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A name part that is safe in a folder name anywhere: letters, digits and
/// `. _ - +` as they are, every other byte as `%XX`.
fn safe(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'+' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep() -> Sweep {
        Sweep {
            scenario: "calm.toml".into(),
            scenario_sha256: "ab".into(),
            keys: vec![
                Axis {
                    key: "bots[1].count".into(),
                    values: vec!["2".into(), "4".into()],
                },
                Axis {
                    key: "duration".into(),
                    values: vec!["5m".into(), "\"1h 30m\"".into(), "x/y".into()],
                },
            ],
            seeds: "5..6".parse().unwrap(),
        }
    }

    #[test]
    fn seeds_are_a_range_or_one() {
        assert_eq!(
            "1..100".parse(),
            Ok(Seeds {
                first: 1,
                last: 100
            })
        );
        assert_eq!("7".parse(), Ok(Seeds { first: 7, last: 7 }));
        assert!("5..4".parse::<Seeds>().is_err());
        assert!("a..b".parse::<Seeds>().is_err());
        assert!("1..=4".parse::<Seeds>().is_err());
    }

    #[test]
    fn the_last_key_varies_fastest_and_seeds_faster_still() {
        let s = sweep();
        assert_eq!((s.points(), s.runs()), (6, Some(12)));
        let runs: Vec<(u64, u64, Vec<&str>)> = (0..12)
            .map(|i| {
                let (point, run) = s.run(i);
                (point, run.seed, s.point(point))
            })
            .collect();
        assert_eq!(runs[0], (0, 5, vec!["2", "5m"]));
        assert_eq!(runs[1], (0, 6, vec!["2", "5m"]));
        assert_eq!(runs[2], (1, 5, vec!["2", "\"1h 30m\""]));
        assert_eq!(runs[6], (3, 5, vec!["4", "5m"]));
        assert_eq!(runs[11], (5, 6, vec!["4", "x/y"]));
    }

    #[test]
    fn folders_name_the_parameters_and_seed_safely() {
        let s = sweep();
        let folders: Vec<String> = (0..12).map(|i| s.run(i).1.folder).collect();
        assert_eq!(folders[0], "bots.1.count=2,duration=5m,seed=5");
        assert_eq!(folders[3], "bots.1.count=2,duration=1h%2030m,seed=6");
        assert_eq!(folders[11], "bots.1.count=4,duration=x%2Fy,seed=6");
        let (_, run) = s.run(3);
        assert_eq!(run.parameters["duration"], "\"1h 30m\"", "as given");
        assert_eq!(s.folder_problems(), Vec::<String>::new());

        let mut twice = sweep();
        twice.keys[1].values = vec!["5m".into(), "\"5m\"".into()];
        assert_eq!(
            twice.folder_problems(),
            [
                "bots[1].count=2, duration=5m and bots[1].count=2, duration=\"5m\" give the same folder \
                 bots.1.count=2,duration=5m,seed=5: give each value once",
                "bots[1].count=4, duration=5m and bots[1].count=4, duration=\"5m\" give the same folder \
                 bots.1.count=4,duration=5m,seed=5: give each value once"
            ]
        );
    }

    #[test]
    fn no_keys_is_one_point() {
        let mut s = sweep();
        s.keys.clear();
        assert_eq!((s.points(), s.runs()), (1, Some(2)));
        assert_eq!(s.run(1).1.folder, "seed=6");
    }
}
