//! The journal's binary format: each [`Change`] of a batch encoded with
//! postcard (varint integers, no field names), one after another. The
//! format number is stored beside every payload; a reader refuses a number
//! it does not know instead of misreading the bytes.
//!
//! Whatever changes the shape of a `Change` (a field, a variant, their
//! order) changes the bytes: it must come with a new [`FORMAT`] and a
//! reader for the old one.

use super::Change;

/// The format this build writes, and the only one it reads.
pub const FORMAT: i32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("journal format {0} is not one this build reads (it reads format {FORMAT})")]
    UnknownFormat(i32),
    #[error("journal payload is damaged at change {index}: {source}")]
    Damaged {
        index: usize,
        source: postcard::Error,
    },
}

/// A batch's payload, filled change by change as they arrive.
#[derive(Debug, Default)]
pub struct BatchEncoder {
    bytes: Vec<u8>,
    changes: usize,
}

impl BatchEncoder {
    pub fn push(&mut self, change: &Change) {
        let bytes = std::mem::take(&mut self.bytes);
        // Every part of a change has a known length and serializes
        // infallibly; a failure would be a bug in a derive.
        self.bytes = postcard::to_extend(change, bytes).expect("a change always encodes");
        self.changes += 1;
    }

    /// How many changes the payload holds.
    pub fn len(&self) -> usize {
        self.changes
    }

    pub fn is_empty(&self) -> bool {
        self.changes == 0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The payload of `changes`, as [`BatchEncoder`] makes it.
pub fn encode(changes: &[Change]) -> Vec<u8> {
    let mut encoder = BatchEncoder::default();
    for change in changes {
        encoder.push(change);
    }
    encoder.into_bytes()
}

/// The changes of a payload written in `format`, in order.
pub fn decode(format: i32, payload: &[u8]) -> Result<Vec<Change>, CodecError> {
    if format != FORMAT {
        return Err(CodecError::UnknownFormat(format));
    }
    let mut changes = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        let (change, after) =
            postcard::take_from_bytes::<Change>(rest).map_err(|source| CodecError::Damaged {
                index: changes.len(),
                source,
            })?;
        changes.push(change);
        rest = after;
    }
    Ok(changes)
}
