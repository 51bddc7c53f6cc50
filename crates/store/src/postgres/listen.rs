//! The change listener: one dedicated connection that runs `LISTEN` on
//! [`CHANGES_CHANNEL`], started by the first subscriber and shared by all.

use crate::changes::FEED_CAPACITY;
use crate::{ChangeEvent, ChangeFeed, StoreResult, CHANGES_CHANNEL};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{broadcast, OnceCell};
use tokio::task::JoinHandle;

/// Longest wait between reconnection attempts.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(10);

/// The shared listener of one store.
#[derive(Debug)]
pub(super) struct Feed {
    pool: PgPool,
    sender: OnceCell<broadcast::Sender<ChangeEvent>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Feed {
    pub(super) fn new(pool: PgPool) -> Self {
        Self {
            pool,
            sender: OnceCell::new(),
            task: Mutex::new(None),
        }
    }

    /// A new subscription; the first call starts listening before it returns,
    /// so every write committed afterwards is announced.
    pub(super) async fn subscribe(&self) -> StoreResult<ChangeFeed> {
        let sender = self
            .sender
            .get_or_try_init(|| async {
                let mut listener = PgListener::connect_with(&self.pool).await?;
                // A closed pool means the store is closing: stop instead of reconnecting.
                listener.ignore_pool_close_event(false);
                listener.listen(CHANGES_CHANNEL).await?;
                let (sender, _) = broadcast::channel(FEED_CAPACITY);
                let task = tokio::spawn(forward(listener, sender.clone()));
                *self
                    .task
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(task);
                Ok::<_, crate::StoreError>(sender)
            })
            .await?;
        Ok(ChangeFeed::new(sender.subscribe()))
    }

    /// Stops listening; subscribers then see the end of their feed.
    pub(super) fn stop(&self) {
        if let Some(task) = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Forwards notifications until the pool closes, reconnecting (with backoff)
/// after PostgreSQL restarts, and telling subscribers to resync when
/// notifications may have been lost.
async fn forward(mut listener: PgListener, sender: broadcast::Sender<ChangeEvent>) {
    let mut delay = Duration::from_millis(250);
    let mut connected = true;
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                if !connected {
                    tracing::info!("change feed reconnected to PostgreSQL");
                    connected = true;
                }
                delay = Duration::from_millis(250);
                let event = notification
                    .payload()
                    .parse()
                    .map_or(ChangeEvent::Resync, |data_version| ChangeEvent::Committed {
                        data_version,
                    });
                let _ = sender.send(event);
            }
            Ok(None) => {
                tracing::warn!(
                    "change feed lost its PostgreSQL connection; reconnecting (replicas resync)"
                );
                connected = false;
                let _ = sender.send(ChangeEvent::Resync);
            }
            Err(sqlx::Error::PoolClosed) => {
                tracing::debug!("store closed; change feed stops");
                return;
            }
            Err(error) => {
                if connected {
                    let _ = sender.send(ChangeEvent::Resync);
                    connected = false;
                }
                tracing::warn!(
                    error = %error,
                    retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "change feed cannot reach PostgreSQL; retrying"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_RECONNECT_DELAY);
            }
        }
    }
}
