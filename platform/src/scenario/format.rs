//! `--format csv|parquet`: which files a run writes its rows to.

use std::path::Path;

use marketlab_actors::scenario::record::Recorder;
use marketlab_actors::scenario::spec::Outputs;

use super::csv::CsvRecorder;
use super::parquet::ParquetRecorder;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// trades.csv, quotes.csv, ...
    #[default]
    Csv,
    /// trades.parquet, quotes.parquet, ...: typed columns.
    Parquet,
}

/// A recorder whose files are complete only once it is finished.
pub trait Files: Recorder {
    /// Flush the files; the first write that failed, if one did.
    fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

impl Files for CsvRecorder {
    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        Ok(CsvRecorder::finish(*self)?)
    }
}

impl Files for ParquetRecorder {
    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        Ok(ParquetRecorder::finish(*self)?)
    }
}

impl Format {
    /// The files of the outputs the scenario asks for, created in `dir`.
    pub fn create(self, dir: &Path, outputs: &Outputs) -> anyhow::Result<Box<dyn Files>> {
        Ok(match self {
            Format::Csv => Box::new(CsvRecorder::create(dir, outputs)?),
            Format::Parquet => Box::new(ParquetRecorder::create(dir, outputs)?),
        })
    }
}
