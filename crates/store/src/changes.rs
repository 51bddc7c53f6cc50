//! Change feed: tells index holders (replicas) that a write was committed.

use tokio::sync::broadcast;

/// PostgreSQL NOTIFY channel every committed write is announced on; the
/// payload is the new data version.
pub const CHANGES_CHANNEL: &str = "renkei_changes";

/// Events a feed keeps for a slow consumer before it reports [`ChangeEvent::Resync`].
pub(crate) const FEED_CAPACITY: usize = 256;

/// Something changed in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeEvent {
    /// A write was committed; the store's data version is now `data_version`.
    Committed {
        /// Data version after the write.
        data_version: i64,
    },
    /// Events may have been missed (the listener lost its connection, or the
    /// consumer fell behind): re-read the data version and reload if it moved.
    Resync,
}

/// A subscription to [`ChangeEvent`]s, from [`crate::Store::subscribe_changes`].
#[derive(Debug)]
pub struct ChangeFeed {
    receiver: broadcast::Receiver<ChangeEvent>,
}

impl ChangeFeed {
    pub(crate) fn new(receiver: broadcast::Receiver<ChangeEvent>) -> Self {
        Self { receiver }
    }

    /// Waits for the next event; `None` once the store is closed.
    pub async fn recv(&mut self) -> Option<ChangeEvent> {
        match self.receiver.recv().await {
            Ok(event) => Some(event),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(ChangeEvent::Resync),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}
