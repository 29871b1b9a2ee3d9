//! The report projection, kept up to date beside the hall actor.
//!
//! A task folds the event log into a [`Projection`]: first everything already committed (on a
//! blocking thread, while the hall already serves), then each committed batch as the actor
//! announces it. It reads the events back from the log rather than taking them from the
//! broadcast, so a lagging task never misses one, and the log stays the only source: the
//! projection is the same as one rebuilt from scratch (`hallq report`). Readers wait until it
//! has caught up with everything committed when they asked, so a report includes what a reply
//! just promised.

use crate::actor::HallHandle;
use crate::problem::ApiError;
use hallq_core::Hall;
use hallq_core::report::Projection;
use hallq_store::Reader;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::watch;

/// How long a reader waits for the projection to catch up before it gives up (503).
const CATCH_UP_WAIT: Duration = Duration::from_secs(30);
/// Events read from the log at a time.
const PAGE: usize = 5000;

#[derive(Clone)]
pub struct Projections {
    projection: Arc<RwLock<Projection>>,
    /// The seq the projection has folded in.
    folded: watch::Receiver<u64>,
    committed: watch::Receiver<u64>,
}

impl Projections {
    /// Starts following the hall's log.
    pub fn start(handle: &HallHandle) -> Projections {
        let projection = Arc::new(RwLock::new(Projection::default()));
        let (folded_tx, folded) = watch::channel(0);
        let mut committed = handle.committed.clone();
        let hall = handle.hall.clone();
        let db = handle.db_path.clone();
        let shared = projection.clone();
        let shared_for_reset = projection.clone();
        tokio::spawn(async move {
            // One read connection for the task's life (opened again after an error).
            let mut reader: Option<Reader> = None;
            loop {
                let (hall, db, shared) = (hall.clone(), db.clone(), shared.clone());
                let open = reader.take();
                let caught_up = tokio::task::spawn_blocking(move || {
                    let reader = match open {
                        Some(r) => r,
                        None => Reader::open(&db)?,
                    };
                    let seq = catch_up(&hall, &reader, &shared)?;
                    Ok::<_, BoxError>((reader, seq))
                })
                .await;
                match caught_up {
                    Ok(Ok((open, seq))) => {
                        reader = Some(open);
                        folded_tx.send_replace(seq);
                    }
                    Ok(Err(e)) => {
                        // Readers wait (and get 503 after a while); the hall itself goes on.
                        tracing::error!(error = %e, "report projection cannot read the log; retrying");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                    Err(e) => {
                        // A panic while folding: start again from nothing rather than serve a
                        // projection that may be half-applied.
                        tracing::error!(error = %e, "report projection failed; rebuilding it");
                        *shared_for_reset.write().unwrap_or_else(|e| e.into_inner()) =
                            Projection::default();
                        shared_for_reset.clear_poison();
                        folded_tx.send_replace(0);
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                }
                // Wait for the next commit (or go again if one came while reading).
                if *committed.borrow_and_update() <= *folded_tx.borrow()
                    && committed.changed().await.is_err()
                {
                    return;
                }
            }
        });
        Projections {
            projection,
            folded,
            committed: handle.committed.clone(),
        }
    }

    /// Runs `f` on the projection once it includes every event committed before this call, on
    /// a blocking thread (a month's report adds up tens of thousands of facts).
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Projection) -> R + Send + 'static,
    ) -> Result<R, ApiError> {
        let target = *self.committed.borrow();
        let mut folded = self.folded.clone();
        tokio::time::timeout(CATCH_UP_WAIT, folded.wait_for(|&seq| seq >= target))
            .await
            .map_err(|_| ApiError::unavailable())?
            .map_err(|_| ApiError::unavailable())?;
        let projection = self.projection.clone();
        tokio::task::spawn_blocking(move || {
            let p = projection
                .read()
                .map_err(|_| ApiError::internal("report projection poisoned"))?;
            Ok(f(&p))
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Folds every event after the projection's seq, page by page; returns the seq reached.
fn catch_up(hall: &Hall, reader: &Reader, shared: &RwLock<Projection>) -> Result<u64, BoxError> {
    loop {
        let after = shared.read().map_err(|_| "poisoned")?.seq;
        let page = read_page(reader, after)?;
        let mut p = shared.write().map_err(|_| "poisoned")?;
        for env in &page {
            p.apply(hall, env);
        }
        if page.len() < PAGE {
            return Ok(p.seq);
        }
    }
}

fn read_page(reader: &Reader, after: u64) -> Result<Vec<hallq_core::Envelope>, BoxError> {
    reader
        .events_after(after, PAGE)?
        .iter()
        .map(|row| Ok(serde_json::from_str(&row.body)?))
        .collect()
}

/// A projection rebuilt from scratch from the log at `db` (the `hallq report` command).
pub fn rebuild(hall: &Hall, db: &Path) -> Result<Projection, BoxError> {
    let shared = RwLock::new(Projection::default());
    catch_up(hall, &Reader::open(db)?, &shared)?;
    Ok(shared.into_inner().map_err(|_| "poisoned")?)
}
