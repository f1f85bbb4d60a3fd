//! `--format parquet`, the real binary: a run's Parquet files hold the rows
//! of its CSV files, typed (times, exact decimals, nulls where the CSV is
//! empty), and repeat byte for byte for one seed; `sweep.parquet` holds the
//! rows of `sweep.csv`. Read back with the parquet crate's row reader, and
//! with pyarrow or DuckDB when Python has one.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;

use chrono::DateTime;
use parquet::basic::{LogicalType, TimeUnit, Type as Physical};
use parquet::data_type::Decimal as ParquetDecimal;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use rust_decimal::Decimal;

#[path = "support/outputs.rs"]
mod outputs;
#[path = "support/tiny.rs"]
mod tiny;
use outputs::{hashes, root, scratch};
use tiny::tiny;

const FILES: [&str; 5] = ["trades", "quotes", "book", "orders", "fundamental"];

fn marketlab(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_marketlab"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Two minutes of the flash crash (every output file), seed 5.
fn run(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "scenario",
        "run",
        "scenarios/flash_crash.toml",
        "--duration",
        "2m",
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    marketlab(&args);
}

/// What a column holds, as its Parquet type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Time,
    Money,
    Text,
    Int,
    Float,
}

/// The header and rows of a Parquet file, each column's kind from its
/// physical and logical type, and whether it is optional.
struct Table {
    columns: Vec<(String, Kind, bool)>,
    rows: Vec<Vec<Field>>,
}

fn read_parquet(path: &Path) -> Table {
    let reader = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let columns = schema
        .columns()
        .iter()
        .map(|c| {
            let kind = match (c.physical_type(), c.logical_type_ref()) {
                (Physical::INT64, Some(LogicalType::Timestamp(t))) => {
                    assert!(t.is_adjusted_to_u_t_c, "{}", c.name());
                    assert_eq!(t.unit, TimeUnit::NANOS, "{}", c.name());
                    Kind::Time
                }
                (Physical::INT64, Some(LogicalType::Decimal(d))) => {
                    assert_eq!((d.precision, d.scale), (18, 2), "{}", c.name());
                    Kind::Money
                }
                (Physical::BYTE_ARRAY, Some(LogicalType::String)) => Kind::Text,
                (Physical::INT64, None) => Kind::Int,
                (Physical::DOUBLE, None) => Kind::Float,
                other => panic!("{}: {other:?}", c.name()),
            };
            (c.name().to_owned(), kind, c.max_def_level() == 1)
        })
        .collect();
    let rows = reader
        .into_iter()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, f)| f.clone())
                .collect()
        })
        .collect();
    Table { columns, rows }
}

/// The cents of a DECIMAL(18, 2) cell.
fn cents(d: &ParquetDecimal) -> i64 {
    match d {
        ParquetDecimal::Int64 { value, .. } => i64::from_be_bytes(*value),
        other => panic!("not an INT64 decimal: {other:?}"),
    }
}

/// That a Parquet cell is the CSV field: times to the nanosecond, money
/// exactly, the fundamental value as the CSV rounded it.
fn same(kind: Kind, csv: &str, field: &Field) -> bool {
    match (kind, field) {
        (_, Field::Null) => csv.is_empty(),
        (Kind::Time, Field::Long(nanos)) => {
            DateTime::parse_from_rfc3339(csv)
                .unwrap()
                .timestamp_nanos_opt()
                == Some(*nanos)
        }
        (Kind::Money, Field::Decimal(d)) => {
            Decimal::from_str(csv).unwrap() == Decimal::new(cents(d), 2)
        }
        (Kind::Int, Field::Long(n)) => csv.parse::<i64>() == Ok(*n),
        // The CSV turns a comma into `;`, Parquet keeps the text.
        (Kind::Text, Field::Str(s)) => s.replace(',', ";") == csv,
        (Kind::Float, Field::Double(v)) => {
            let rounded = (v * 1e4).round() / 1e4;
            format!("{v:.4}") == csv && (rounded - csv.parse::<f64>().unwrap()).abs() < 1e-9
        }
        _ => false,
    }
}

/// `name.parquet` in `parquet` against `name.csv` in `csv`, field by
/// field; the number of rows.
fn compare(name: &str, csv: &Path, parquet: &Path) -> usize {
    let text = std::fs::read_to_string(csv.join(format!("{name}.csv"))).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let table = read_parquet(&parquet.join(format!("{name}.parquet")));
    let names: Vec<&str> = table.columns.iter().map(|c| &*c.0).collect();
    assert_eq!(names, header, "{name}");
    let lines: Vec<&str> = lines.collect();
    assert_eq!(table.rows.len(), lines.len(), "{name}: rows");
    for (i, (line, row)) in lines.iter().zip(&table.rows).enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), row.len(), "{name} row {i}: {line}");
        for ((csv, field), (column, kind, _)) in fields.iter().zip(row).zip(&table.columns) {
            assert!(
                same(*kind, csv, field),
                "{name} row {i} {column}: csv {csv:?}, parquet {field:?}"
            );
        }
    }
    table.rows.len()
}

/// The kinds each file's columns must have, and which may be empty.
fn check_types(name: &str, table: &Table) {
    for (column, kind, optional) in &table.columns {
        let expected = match &**column {
            "time" => Kind::Time,
            "price" | "bid" | "ask" | "last" => Kind::Money,
            "symbol" | "aggressor" | "buyer" | "seller" | "side" | "event" | "account"
            | "reason" => Kind::Text,
            "value" => Kind::Float,
            _ => Kind::Int,
        };
        assert_eq!(*kind, expected, "{name}.{column}");
        let may_be_empty = match name {
            "quotes" => column != "time" && column != "symbol",
            "orders" => ["seq", "side", "price", "quantity", "reason"].contains(&&**column),
            _ => false,
        };
        assert_eq!(*optional, may_be_empty, "{name}.{column} optional");
    }
}

/// A Python with pyarrow or DuckDB, what it reads as `path`'s row count and
/// the sum of its `column`; `None` when there is neither.
fn python_count_and_sum(path: &Path, column: &str) -> Option<(u64, i64)> {
    let has = |module: &str| {
        Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let script = if has("pyarrow") {
        format!(
            "import sys, pyarrow.compute as pc, pyarrow.parquet as pq\n\
             t = pq.read_table(sys.argv[1])\n\
             print(t.num_rows, pc.sum(t['{column}']).as_py())"
        )
    } else if has("duckdb") {
        format!(
            "import sys, duckdb\n\
             n, s = duckdb.sql(f\"select count(*), sum({column}) from read_parquet('{{sys.argv[1]}}')\").fetchall()[0]\n\
             print(n, s)"
        )
    } else {
        return None;
    };
    let output = Command::new("python3")
        .args(["-c", &script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let (n, sum) = text.trim().split_once(' ').unwrap();
    Some((n.parse().unwrap(), sum.parse().unwrap()))
}

#[test]
fn a_parquet_run_holds_the_csv_rows_typed_and_repeats_byte_for_byte() {
    let (csv, a, b) = (
        scratch("parquet", "csv"),
        scratch("parquet", "a"),
        scratch("parquet", "b"),
    );
    run(&csv, &[]);
    run(&a, &["--format", "parquet"]);
    run(&b, &["--format", "parquet"]);

    let (hc, ha) = (hashes(&csv), hashes(&a));
    assert_eq!(ha, hashes(&b), "the same seed, the same bytes");
    assert_eq!(ha["summary.json"], hc["summary.json"]);
    for name in FILES {
        assert!(ha.contains_key(&format!("{name}.parquet")), "{ha:?}");
        assert!(!ha.contains_key(&format!("{name}.csv")), "{ha:?}");
        check_types(name, &read_parquet(&a.join(format!("{name}.parquet"))));
        let rows = compare(name, &csv, &a);
        assert!(rows > 0, "{name}: no rows");
    }

    let trades = read_parquet(&a.join("trades.parquet"));
    let quantity = trades
        .columns
        .iter()
        .position(|c| c.0 == "quantity")
        .unwrap();
    let sum: i64 = trades
        .rows
        .iter()
        .map(|r| match r[quantity] {
            Field::Long(q) => q,
            ref other => panic!("{other:?}"),
        })
        .sum();
    match python_count_and_sum(&a.join("trades.parquet"), "quantity") {
        Some(read) => assert_eq!(read, (trades.rows.len() as u64, sum)),
        None => eprintln!("skipped reading from Python: neither pyarrow nor duckdb is installed"),
    }
    for dir in [csv, a, b] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// The shared tiny scenario, written into `dir`; its path.
fn tiny_file(dir: &Path) -> String {
    let file = dir.join("tiny.toml");
    std::fs::write(&file, tiny()).unwrap();
    file.to_str().unwrap().to_owned()
}

#[test]
fn sweep_parquet_holds_the_rows_of_sweep_csv() {
    let dir = scratch("parquet", "sweep");
    let file = tiny_file(&dir);
    let out = dir.join("sweep");
    marketlab(&[
        "scenario",
        "sweep",
        &file,
        "--set",
        "fees.commission=0.0001,0.001",
        "--seeds",
        "1..2",
        "--format",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let run = out.join("fees.commission=0.001,seed=2");
    assert!(run.join("trades.parquet").is_file());
    assert!(!run.join("trades.csv").exists());

    let text = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let table = read_parquet(&out.join("sweep.parquet"));
    let names: Vec<&str> = table.columns.iter().map(|c| &*c.0).collect();
    assert_eq!(names, header);
    for (i, (name, kind, optional)) in table.columns.iter().enumerate() {
        let expected = match i {
            0 | 2 => (Kind::Int, false),
            1 => (Kind::Text, false),
            _ => (Kind::Float, true),
        };
        assert_eq!((*kind, *optional), expected, "{name}");
    }
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(table.rows.len(), 4);
    for (line, row) in lines.iter().zip(&table.rows) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), row.len());
        for ((csv, field), (name, kind, _)) in fields.iter().zip(row).zip(&table.columns) {
            let same = match (kind, field) {
                (_, Field::Null) => csv.is_empty(),
                (Kind::Int, Field::Long(n)) => csv.parse::<i64>() == Ok(*n),
                (Kind::Text, Field::Str(s)) => s == csv,
                // The value the statistics use: the CSV's text, read.
                (Kind::Float, Field::Double(v)) => csv.parse::<f64>() == Ok(*v),
                _ => false,
            };
            assert!(same, "{name}: csv {csv:?}, parquet {field:?}");
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}
