use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use marketlab_actors::types::{Money, Rate};
use toml::Value;

use super::*;
use crate::session::SessionHours;

/// A file of its own for each test (they run in parallel).
fn write(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "marketlab-config-{}-{name}.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

fn load_with(
    file: Option<&Path>,
    env: &[(&str, &str)],
    flags: Vec<Flag>,
) -> Result<Effective, ConfigError> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    load(Inputs {
        file,
        env: &|name| env.get(name).cloned(),
        flags,
    })
}

fn flag(path: &'static str, name: &'static str, value: impl Into<Value>) -> Flag {
    Flag {
        path,
        name,
        value: value.into(),
    }
}

#[test]
fn nothing_set_is_the_defaults() {
    let effective = load_with(None, &[], vec![]).unwrap();
    assert_eq!(effective.settings, Settings::default());
    for key in KEYS {
        assert_eq!(effective.source(key.path), &Source::Default, "{}", key.path);
    }
}

#[test]
fn the_file_is_overridden_by_the_environment_and_that_by_flags() {
    let file = write(
        "layers",
        "[rate_limit]\nper_second = 1\nburst = 2\n[server]\nbind = \"0.0.0.0:1\"\n\
         [bots]\nseed = 5\n",
    );
    let effective = load_with(
        Some(&file),
        &[("MARKETLAB_RATE_LIMIT", "3"), ("MARKETLAB_BOT_SEED", "6")],
        vec![flag("rate_limit.per_second", "--rate-limit", 4)],
    )
    .unwrap();
    let settings = &effective.settings;
    assert_eq!(settings.rate_limit.per_second, 4);
    assert_eq!(settings.rate_limit.burst, 2);
    assert_eq!(settings.bind, "0.0.0.0:1");
    assert_eq!(settings.bot_seed, 6);
    assert_eq!(settings.bot_speedup, 1);
    let name = file.display().to_string();
    assert_eq!(
        effective.source("rate_limit.per_second"),
        &Source::Flag("--rate-limit")
    );
    assert_eq!(effective.source("rate_limit.burst"), &Source::File(name));
    assert_eq!(
        effective.source("bots.seed"),
        &Source::Env("MARKETLAB_BOT_SEED")
    );
    assert_eq!(effective.source("bots.speedup"), &Source::Default);
}

#[test]
fn database_url_takes_the_plain_variable_first() {
    let both = load_with(
        None,
        &[
            ("DATABASE_URL", "sqlite://a.db"),
            ("MARKETLAB_DATABASE_URL", "sqlite://b.db"),
        ],
        vec![],
    )
    .unwrap();
    assert_eq!(both.settings.database_url, "sqlite://a.db");
    let one = load_with(None, &[("MARKETLAB_DATABASE_URL", "sqlite://b.db")], vec![]).unwrap();
    assert_eq!(one.settings.database_url, "sqlite://b.db");
    assert_eq!(
        one.source("server.database_url"),
        &Source::Env("MARKETLAB_DATABASE_URL")
    );
}

#[test]
fn an_unknown_key_is_refused_with_its_path_and_file() {
    let file = write("unknown", "[fees]\ncomission = \"0.0002\"\n");
    let error = load_with(Some(&file), &[], vec![]).unwrap_err();
    assert_eq!(error.path, "fees.comission");
    assert_eq!(error.origin, file.display().to_string());
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}: fees.comission: unknown key", file.display())),
        "{text}"
    );
    assert!(
        text.contains("`commission`") && text.contains("line 2"),
        "{text}"
    );

    let error = load_with(Some(&write("section", "[feez]\n")), &[], vec![]).unwrap_err();
    assert_eq!(error.path, "feez");
}

#[test]
fn money_and_rates_are_exact_decimal_strings() {
    let file = write(
        "exact",
        "[fees]\ncommission = \"0.00025\"\nmin_commission = \"1.50\"\nsell_tax = \"0.0023\"\n\
         [tax]\nexemption = \"1000000\"\nrate = \"0.154\"\n\
         [market]\ndefault_band_percent = \"12.5\"\n",
    );
    let settings = load_with(Some(&file), &[], vec![]).unwrap().settings;
    assert_eq!(settings.fees.commission(), Rate::from_ppm(250).unwrap());
    assert_eq!(settings.fees.min_commission(), Money(150));
    assert_eq!(settings.fees.sell_tax(), Rate::from_ppm(2_300).unwrap());
    assert_eq!(settings.tax.exemption(), Money(100_000_000));
    assert_eq!(settings.tax.rate(), Rate::from_ppm(154_000).unwrap());
    assert_eq!(settings.default_band_bps, 1_250);

    let finer = write("finer", "[fees]\ncommission = \"0.0000001\"\n");
    let error = load_with(Some(&finer), &[], vec![]).unwrap_err();
    assert_eq!(error.path, "fees.commission");
    assert!(
        error.message.contains("finer than one part per million"),
        "{error}"
    );

    let float = write("float", "[fees]\ncommission = 0.00015\n");
    let error = load_with(Some(&float), &[], vec![]).unwrap_err();
    assert_eq!(error.path, "fees.commission");
    assert!(error.message.contains("written as a string"), "{error}");

    let error = load_with(None, &[("MARKETLAB_MIN_COMMISSION", "0.001")], vec![]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "env MARKETLAB_MIN_COMMISSION: fees.min_commission: 0.001 has more than 2 decimal places"
    );
}

#[test]
fn bad_values_name_the_layer_that_set_them() {
    let error = load_with(None, &[("MARKETLAB_RATE_LIMIT", "lots")], vec![]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "env MARKETLAB_RATE_LIMIT: rate_limit.per_second: \"lots\" is not a whole number"
    );
    let error = load_with(None, &[], vec![flag("bots.speedup", "--bot-speedup", 0)]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "flag --bot-speedup: bots.speedup: 0 must be from 1 to 1000"
    );
    let error = load_with(
        None,
        &[],
        vec![flag("rate_limit.burst", "--rate-burst", -1)],
    )
    .unwrap_err();
    assert_eq!(error.origin, "flag --rate-burst");
    assert_eq!(error.path, "rate_limit.burst");
    let file = write("zero", "[persister]\nbatch_size = 0\n");
    let error = load_with(Some(&file), &[], vec![]).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: persister.batch_size: must be at least 1",
            file.display()
        )
    );
    let error = load_with(Some(Path::new("/nonexistent/marketlab.toml")), &[], vec![]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("/nonexistent/marketlab.toml: cannot read it")
    );
}

#[test]
fn the_session_closes_at_a_local_time() {
    let file = write(
        "session",
        "[session]\nclose = \"15:30\"\nutc_offset = \"+09:00\"\n",
    );
    let settings = load_with(Some(&file), &[], vec![]).unwrap().settings;
    assert_eq!(
        settings.session,
        Some(SessionHours::new(15 * 3600 + 30 * 60, 9 * 3600))
    );
    let error = load_with(None, &[("MARKETLAB_SESSION_CLOSE", "3pm")], vec![]).unwrap_err();
    assert_eq!(error.path, "session.close");
}

#[test]
fn print_masks_secrets_and_says_where_each_key_came_from() {
    let file = write(
        "print",
        "[server]\ndatabase_url = \"postgres://app:hunter2@db:5432/market?sslmode=disable&password=hunter3\"\n",
    );
    let effective = load_with(
        Some(&file),
        &[("MARKETLAB_JWT_SECRET", "a-very-secret-secret")],
        vec![flag("server.bind", "--bind", "0.0.0.0:9000")],
    )
    .unwrap();
    let printed = effective.print();
    for secret in ["hunter2", "hunter3", "a-very-secret-secret"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(
        printed.contains(&format!(
            "database_url = \"postgres://app:****@db:5432/market?sslmode=disable&password=****\" # file {}",
            file.display()
        )),
        "{printed}"
    );
    assert!(
        printed.contains("jwt_secret = \"****\" # env MARKETLAB_JWT_SECRET"),
        "{printed}"
    );
    assert!(
        printed.contains("bind = \"0.0.0.0:9000\" # flag --bind"),
        "{printed}"
    );
    assert!(
        printed.contains("commission = \"0.00015\" # default"),
        "{printed}"
    );
    assert!(
        printed.contains("# close is not set # default"),
        "{printed}"
    );
}

#[test]
fn printed_settings_read_back_as_the_same() {
    let file = write(
        "round-trip",
        "[fees]\nsell_tax = \"0.002\"\n[session]\nclose = \"16:00\"\n",
    );
    let effective = load_with(Some(&file), &[("MARKETLAB_WS_QUEUE_KIB", "64")], vec![]).unwrap();
    let again = write("round-trip-printed", &effective.print());
    assert_eq!(
        load_with(Some(&again), &[], vec![]).unwrap().settings,
        effective.settings
    );
}

#[test]
fn urls_without_a_password_are_shown_as_they_are() {
    for url in [
        "sqlite://data/marketlab.db?mode=rwc",
        "postgres://postgres@127.0.0.1:5432/test",
        "postgres://user@%2Fvar%2Frun%2Fpostgresql/marketlab",
    ] {
        assert_eq!(print::mask_url(url), url);
    }
}

/// Every key the file can hold, by path.
fn paths(table: &toml::Table) -> BTreeSet<String> {
    table
        .iter()
        .flat_map(|(section, keys)| {
            keys.as_table()
                .unwrap()
                .keys()
                .map(move |name| format!("{section}.{name}"))
        })
        .collect()
}

#[test]
fn the_key_list_holds_every_key_of_the_file_once() {
    let mut full = ConfigFile::default();
    full.server.jwt_secret = Some(String::new());
    full.session.close = Some(String::new());
    let listed: Vec<&str> = KEYS.iter().map(|key| key.path).collect();
    let unique: BTreeSet<String> = listed.iter().map(|p| p.to_string()).collect();
    assert_eq!(unique.len(), listed.len(), "a key is listed twice");
    assert_eq!(unique, paths(&toml::Table::try_from(full).unwrap()));
}

#[test]
fn the_example_file_documents_every_key_at_its_default() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../marketlab.example.toml");
    let effective = load_with(Some(&example), &[], vec![]).unwrap();
    assert_eq!(effective.settings, Settings::default());
    let text = std::fs::read_to_string(&example).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let set = paths(&table);
    for key in KEYS {
        let (section, name) = key.path.split_once('.').unwrap();
        let commented = text.contains(&format!("# {name} = "));
        assert!(
            set.contains(key.path) || commented,
            "{} is not in the example",
            key.path
        );
        assert!(text.contains(&format!("[{section}]")), "[{section}]");
        for env in key.env {
            assert!(text.contains(env), "{env} is not in the example");
        }
    }
}
