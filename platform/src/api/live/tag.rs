//! What a subscription's item is, as its resolver says when it yields it:
//! whether a newer one replaces it while it waits (a book, a quote), and
//! whether a subscriber who joins later needs it to start from (the book,
//! each symbol's quote, each open order, the latest trade).
//!
//! The resolver's stream writes the tag into its execution's [`Tagger`]
//! just before it yields the item; the feed reads it back with the
//! response of that item. The two alternate on one task, so each response
//! finds its own item's tag.

use std::sync::Mutex;

use marketlab_actors::types::Symbol;

use super::outbox::StateKey;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tag {
    /// The state this item is the latest of: a newer one of the same key
    /// replaces it in a queue. `None`: an event, never dropped.
    pub conflate: Option<StateKey>,
    pub retain: Retain,
}

/// What a joining subscriber is sent first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Retain {
    /// Nothing of this item.
    #[default]
    Nothing,
    /// This item, in place of the one kept before.
    Latest,
    /// This item, as the current one of its key (kept in key order).
    Keyed(StateKey),
    /// Nothing of this key any more (an order that ended).
    Forget(StateKey),
}

impl Tag {
    /// The book: the latest replaces any older, for queues and joiners.
    pub const BOOK: Tag = Tag {
        conflate: Some(0),
        retain: Retain::Latest,
    };
    /// A competition's standings: the latest replaces any older, for queues
    /// and joiners.
    pub const STANDINGS: Tag = Tag {
        conflate: Some(0),
        retain: Retain::Latest,
    };
    /// A trade: never dropped; a joiner starts from the latest.
    pub const TRADE: Tag = Tag {
        conflate: None,
        retain: Retain::Latest,
    };

    /// A symbol's quote: the latest per symbol.
    pub fn quote(symbol: Symbol) -> Tag {
        let key = symbol_key(symbol);
        Tag {
            conflate: Some(key),
            retain: Retain::Keyed(key),
        }
    }

    /// A change of one of the caller's orders: never dropped; a joiner
    /// starts from the open ones.
    pub fn order(id: u64, open: bool) -> Tag {
        let key = StateKey::from(id);
        Tag {
            conflate: None,
            retain: if open {
                Retain::Keyed(key)
            } else {
                Retain::Forget(key)
            },
        }
    }
}

/// A symbol as a key, its bytes in order, so keys sort as symbols do.
fn symbol_key(symbol: Symbol) -> StateKey {
    let mut bytes = [0u8; 16];
    let text = symbol.as_str().as_bytes();
    bytes[..text.len()].copy_from_slice(text);
    StateKey::from_be_bytes(bytes)
}

/// Where one execution's resolver leaves the tag of the item it yields.
#[derive(Debug, Default)]
pub struct Tagger(Mutex<Option<Tag>>);

impl Tagger {
    pub fn set(&self, tag: Tag) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(tag);
    }

    /// The tag of the item just resolved; an untagged response (an error)
    /// is an event kept for nobody.
    pub fn take(&self) -> Tag {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_keep_their_order_and_never_share_a_key() {
        let key = |s: &str| symbol_key(Symbol::new(s).unwrap());
        assert!(key("AAPL") < key("ACME"));
        assert!(key("A") < key("AA"));
        assert_ne!(key("ABCDEFGHIJKL"), key("ABCDEFGHIJK"));
    }

    #[test]
    fn a_tag_is_read_once() {
        let tagger = Tagger::default();
        tagger.set(Tag::BOOK);
        assert_eq!(tagger.take(), Tag::BOOK);
        assert_eq!(tagger.take(), Tag::default());
    }

    #[test]
    fn an_ended_order_is_forgotten() {
        assert_eq!(Tag::order(5, true).retain, Retain::Keyed(5));
        assert_eq!(Tag::order(5, false).retain, Retain::Forget(5));
        assert_eq!(Tag::order(5, false).conflate, None);
    }
}
