//! One call into the book, stored ahead of time so that generating the
//! stream costs nothing while it is being measured.

use marketlab_actors::book::{BookError, BookEvent, NewOrder, OrderBook};
use marketlab_actors::types::{OrderId, Quantity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Submit(NewOrder),
    Cancel(OrderId),
    Reduce { id: OrderId, by: Quantity },
}

/// Apply one command. Events are appended to `out`; the caller clears it
/// between commands so the buffer keeps its capacity and the hot loop does
/// not allocate. A rejected submission is reported in `out`, not as an error.
#[inline]
pub fn apply(
    book: &mut OrderBook,
    command: &Command,
    out: &mut Vec<BookEvent>,
) -> Result<(), BookError> {
    match *command {
        Command::Submit(order) => {
            book.submit(order, out);
            Ok(())
        }
        Command::Cancel(id) => book.cancel(id, out),
        Command::Reduce { id, by } => book.reduce(id, by, out),
    }
}
