//! How many PDFs are made at once. Making a document keeps a core busy for
//! a fraction of a second to a few seconds; without a bound, a handful of
//! print requests would take every core from searches and tiles. A request
//! waits briefly for a free renderer, then gets 503 `busy` with `Retry-After`.

use crate::error::{ApiError, ApiResult};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Seconds a client is told to wait when every renderer stayed busy.
pub const BUSY_RETRY_AFTER_S: u64 = 5;

/// A bound on concurrent document making; clones share it.
#[derive(Debug, Clone)]
pub struct RenderLimit {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl RenderLimit {
    /// At most `concurrency` (at least 1) documents at once; a request waits up to `wait`.
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            wait,
        }
    }

    /// A renderer, held until the permit is dropped (move it into the
    /// blocking task, so a request given up on still counts until its
    /// document is done); 503 `busy` when none frees up in time.
    pub async fn acquire(&self) -> ApiResult<OwnedSemaphorePermit> {
        match tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(ApiError::Busy {
                retry_after_s: BUSY_RETRY_AFTER_S,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn excess_waits_then_gets_busy() {
        let limit = RenderLimit::new(1, Duration::from_millis(20));
        let held = limit.acquire().await.unwrap();
        let error = limit.acquire().await.unwrap_err();
        assert!(matches!(error, ApiError::Busy { .. }), "{error:?}");
        drop(held);
        assert!(limit.acquire().await.is_ok());
    }
}
