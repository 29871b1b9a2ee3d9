//! `hallq serve`: load the hall, open the data directory, start the hall actor, listen.

use crate::Error;
use crate::actor;
use crate::clock::Clock;
use crate::http::{self, AppState};
use crate::secrets::Secrets;
use hallq_core::Hall;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;

pub struct ServeOptions {
    pub config: Option<PathBuf>,
    pub data: PathBuf,
    pub listen: SocketAddr,
    pub clock: Clock,
    /// How long a device may be without any stream before it is reported offline.
    pub offline_grace: std::time::Duration,
}

/// The database file inside a data directory.
pub fn db_path(data: &std::path::Path) -> PathBuf {
    data.join("hallq.sqlite3")
}

/// Loads the configured hall, or the embedded demo hall.
pub fn load_hall(config: Option<&std::path::Path>) -> Result<Hall, Error> {
    match config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
            Ok(Hall::from_toml(&text)?)
        }
        None => Ok(Hall::demo()),
    }
}

pub async fn serve(opts: ServeOptions) -> Result<(), Error> {
    let hall = load_hall(opts.config.as_deref())?;
    if hall.config.hall.demo && !opts.listen.ip().is_loopback() {
        return Err(Error::Refused(format!(
            "the demo hall has well-known passwords and tokens; it only listens on a loopback \
             address, not {}. Give your own hall with --config.",
            opts.listen
        )));
    }
    std::fs::create_dir_all(&opts.data)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", opts.data.display())))?;
    let secrets = Arc::new(Secrets::load_or_create(&opts.data)?);
    let hall = Arc::new(hall);
    let handle = actor::start(
        hall.clone(),
        db_path(&opts.data),
        secrets,
        opts.clock.clone(),
    )?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = AppState {
        hall: handle.clone(),
        hall_json: Arc::new(http::hall_json(&hall)),
        clock: opts.clock,
        shutdown: shutdown_rx,
        items: Arc::new(hallq_core::search::ItemIndex::new(&hall)),
        streams: Default::default(),
        printing: Default::default(),
        offline_grace: opts.offline_grace,
        projections: crate::projection::Projections::start(&handle),
    };
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| Error::Io(format!("cannot listen on {}: {e}", opts.listen)))?;
    let addr = listener.local_addr()?;
    // Announce on stdout; a closed stdout (a supervisor that stopped reading) must not kill the
    // hall, so write errors are ignored.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "hallq listening on http://{addr}");
    let _ = writeln!(
        out,
        "hall: {} / {} — data in {}",
        hall.config.hall.name_zh,
        hall.config.hall.name_en,
        opts.data.display()
    );
    if hall.config.hall.demo {
        let _ = writeln!(
            out,
            "demo hall: clerks clerk01…clerk{:02} (clerkNN works at window NN) and supervisor \
             `super`, password `demo`; device tokens demo-kiosk, demo-display, demo-pad, demo-gateway",
            hall.windows.len()
        );
    }
    let _ = out.flush();
    drop(out);

    // The clock: roll the business day at local midnight even when nobody asks anything.
    let ticker = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                every.tick().await;
                handle.tick().await;
            }
        })
    };

    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            let _ = shutdown_tx.send(true);
        })
        .await?;
    ticker.abort();
    handle.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
