//! Which share of a sweep this process runs: `--shard I/N` takes the runs
//! whose index % N == I. On a cluster the scheduler says it: a Slurm job
//! array (`SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`, the array
//! numbered from 0) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`,
//! with `--shard-count` its completions). `--shard` wins over both.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    fn new(index: u64, count: u64, from: &str) -> Result<Shard, String> {
        if count == 0 {
            return Err(format!("{from}: there must be at least one shard"));
        }
        if index >= count {
            return Err(format!(
                "{from}: shard {index} of {count} does not exist (shards are numbered 0 to {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    pub fn has(&self, run: u64) -> bool {
        run % self.count == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("{text:?} is not a shard like 0/4");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index = index.trim().parse().map_err(|_| bad())?;
        let count = count.trim().parse().map_err(|_| bad())?;
        Shard::new(index, count, &format!("--shard {text}"))
    }
}

const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";

/// The shard from the flags and then the environment (`env` reads a
/// variable); `None` when nothing says there are shards.
pub fn resolve(
    given: Option<Shard>,
    shard_count: Option<u64>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<Shard>, String> {
    if let Some(shard) = given {
        return match shard_count {
            Some(count) if count != shard.count => Err(format!(
                "--shard {shard} and --shard-count {count} disagree"
            )),
            _ => Ok(Some(shard)),
        };
    }
    let read = |name: &str| -> Result<Option<u64>, String> {
        env(name)
            .map(|text| {
                text.trim()
                    .parse()
                    .map_err(|_| format!("{name}={text:?} is not a number"))
            })
            .transpose()
    };
    let slurm = (read(SLURM_ID)?, read(SLURM_COUNT)?);
    let k8s = read(K8S_INDEX)?;
    match (slurm, k8s) {
        ((Some(_), _) | (_, Some(_)), Some(_)) => Err(format!(
            "both Slurm ({SLURM_ID}) and Kubernetes ({K8S_INDEX}) say which shard this is: give --shard I/N"
        )),
        ((Some(id), Some(count)), None) => {
            let from = format!("{SLURM_ID}={id}, {SLURM_COUNT}={count}");
            if let Some(flag) = shard_count.filter(|&c| c != count) {
                return Err(format!("{from} and --shard-count {flag} disagree"));
            }
            Shard::new(id, count, &from)
                .map(Some)
                .map_err(|e| format!("{e}: submit the array as --array=0-{}", count.max(1) - 1))
        }
        ((Some(_), None), None) => Err(format!("{SLURM_ID} is set but {SLURM_COUNT} is not")),
        ((None, Some(_)), None) => Err(format!("{SLURM_COUNT} is set but {SLURM_ID} is not")),
        ((None, None), Some(index)) => match shard_count {
            Some(count) => Shard::new(index, count, &format!("{K8S_INDEX}={index}")).map(Some),
            None => Err(format!(
                "{K8S_INDEX}={index} is set: give --shard-count N (the Job's completions)"
            )),
        },
        ((None, None), None) => match shard_count {
            Some(_) => Err(format!(
                "--shard-count needs {K8S_INDEX} (a Kubernetes Indexed Job) or --shard"
            )),
            None => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn shard(index: u64, count: u64) -> Option<Shard> {
        Some(Shard { index, count })
    }

    #[test]
    fn a_shard_is_i_of_n() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(
            "3/3".parse::<Shard>(),
            Err("--shard 3/3: shard 3 of 3 does not exist (shards are numbered 0 to 2)".into())
        );
        assert!("0/0".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        let s = Shard { index: 1, count: 3 };
        assert_eq!((0..7).filter(|&i| s.has(i)).collect::<Vec<_>>(), [1, 4]);
    }

    #[test]
    fn the_flag_then_slurm_then_kubernetes() {
        let none = with(&[]);
        assert_eq!(resolve(None, None, &none), Ok(None));
        let slurm = with(&[(SLURM_ID, "4"), (SLURM_COUNT, "10")]);
        assert_eq!(resolve(None, None, &slurm), Ok(shard(4, 10)));
        assert_eq!(resolve(None, Some(10), &slurm), Ok(shard(4, 10)));
        assert_eq!(
            resolve(shard(1, 2), None, &slurm),
            Ok(shard(1, 2)),
            "--shard wins"
        );
        let k8s = with(&[(K8S_INDEX, "7")]);
        assert_eq!(resolve(None, Some(8), &k8s), Ok(shard(7, 8)));
        assert_eq!(resolve(shard(0, 8), Some(8), &k8s), Ok(shard(0, 8)));
    }

    #[test]
    fn inconsistent_values_are_refused() {
        let err =
            |given, count, vars: &[(&str, &str)]| resolve(given, count, with(vars)).unwrap_err();
        assert_eq!(
            err(shard(0, 3), Some(4), &[]),
            "--shard 0/3 and --shard-count 4 disagree"
        );
        assert_eq!(
            err(None, None, &[(SLURM_ID, "10"), (SLURM_COUNT, "10")]),
            "SLURM_ARRAY_TASK_ID=10, SLURM_ARRAY_TASK_COUNT=10: shard 10 of 10 does not exist \
             (shards are numbered 0 to 9): submit the array as --array=0-9"
        );
        assert_eq!(
            err(None, Some(4), &[(SLURM_ID, "1"), (SLURM_COUNT, "3")]),
            "SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_COUNT=3 and --shard-count 4 disagree"
        );
        assert_eq!(
            err(None, None, &[(SLURM_ID, "1")]),
            "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not"
        );
        assert_eq!(
            err(None, None, &[(SLURM_ID, "x"), (SLURM_COUNT, "3")]),
            "SLURM_ARRAY_TASK_ID=\"x\" is not a number"
        );
        assert_eq!(
            err(None, None, &[(K8S_INDEX, "2")]),
            "JOB_COMPLETION_INDEX=2 is set: give --shard-count N (the Job's completions)"
        );
        assert_eq!(
            err(None, Some(2), &[(K8S_INDEX, "2")]),
            "JOB_COMPLETION_INDEX=2: shard 2 of 2 does not exist (shards are numbered 0 to 1)"
        );
        assert!(
            err(
                None,
                Some(3),
                &[(K8S_INDEX, "2"), (SLURM_ID, "1"), (SLURM_COUNT, "3")]
            )
            .starts_with("both Slurm")
        );
        assert_eq!(
            err(None, Some(3), &[]),
            "--shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard"
        );
    }
}
