//! One committed batch of the market's changes, encoded (the journal): a
//! row per part of its payload; the repository reads and writes whole
//! batches (`part` 0 with the whole payload).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "journal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub part: i32,
    pub written_at: i64,
    /// The encoding of `payload` (actors' `journal::codec::FORMAT`).
    pub format: i32,
    /// How many changes `payload` holds.
    pub changes: i32,
    pub payload: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
