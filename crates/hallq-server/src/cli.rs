//! The `hallq` command line.

use crate::clock::Clock;
use crate::server::{self, ServeOptions};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hallq",
    version,
    about = "hallq — the hall controller of a service hall (政务服务大厅排队叫号)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the hall controller (the embedded demo hall when no --config is given).
    Serve {
        /// The hall's TOML file (firmware-config/halls/*.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where the event log and the secret key live.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Address to listen on; port 0 picks a free port (printed at start).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Tests only: read the current time from this file (RFC 3339) instead of the clock.
        #[arg(long, hide = true)]
        test_clock: Option<PathBuf>,
        /// Seconds a device may go without a stream before it is reported offline.
        #[arg(long, default_value_t = 15, hide = true)]
        offline_grace: u64,
    },
    /// Check a hall file and report every problem with its line.
    CheckConfig { file: PathBuf },
    /// Audit the event log.
    Audit {
        #[command(subcommand)]
        command: AuditCmd,
    },
    /// Make an online copy of the event log while the controller runs.
    Backup {
        /// The copy to write (must not exist).
        file: PathBuf,
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
    /// Hash a password read from standard input, for a clerk's `password_hash`.
    HashPassword,
    /// Write a report (日统计 daily, 周通报 weekly, 月汇总 monthly) rebuilt from the event log.
    Report {
        /// daily, weekly or monthly.
        #[arg(value_parser = ["daily", "weekly", "monthly"])]
        period: String,
        /// A day of the report's span, YYYY-MM-DD (default: today in the hall's time zone).
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        /// The hall's TOML file (the embedded demo hall when not given).
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// json, html, csv or xlsx.
        #[arg(long, default_value = "html", value_parser = ["json", "html", "csv", "xlsx"])]
        format: String,
        /// Where to write it (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain and name the first broken row.
    Verify {
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hallq: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cmd: Cmd) -> Result<ExitCode, crate::Error> {
    match cmd {
        Cmd::Serve {
            config,
            data,
            listen,
            test_clock,
            offline_grace,
        } => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(server::serve(ServeOptions {
                config,
                data,
                listen,
                clock: test_clock.map_or(Clock::System, Clock::File),
                offline_grace: std::time::Duration::from_secs(offline_grace),
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::CheckConfig { file } => match server::load_hall(Some(&file)) {
            Ok(hall) => {
                println!(
                    "{}: ok — {} ({} units, {} queues, {} items, {} windows, {} clerks, {} devices)",
                    file.display(),
                    hall.config.hall.name_zh,
                    hall.config.units.len(),
                    hall.queues.len(),
                    hall.items.len(),
                    hall.windows.len(),
                    hall.clerks.len(),
                    hall.devices_by_token_hash.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(crate::Error::Config(problems)) => {
                eprintln!("{}: {problems}", file.display());
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(e),
        },
        Cmd::Audit {
            command: AuditCmd::Verify { data },
        } => {
            let path = server::db_path(&data);
            if !path.exists() {
                return Err(crate::Error::Io(format!(
                    "no event log at {}",
                    path.display()
                )));
            }
            let report = hallq_store::verify(&path)?;
            match (&report.first_broken, &report.broken_snapshot) {
                (None, None) => {
                    println!(
                        "ok: {} events, hash chain intact up to seq {}; {} snapshot(s) match",
                        report.rows, report.last_seq, report.snapshots
                    );
                    Ok(ExitCode::SUCCESS)
                }
                (broken, snap) => {
                    if let Some(b) = broken {
                        println!("BROKEN at seq {}: {}", b.seq, b.reason);
                    }
                    if let Some(b) = snap {
                        println!("BROKEN snapshot at seq {}: {}", b.seq, b.reason);
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Backup { file, data } => {
            let path = server::db_path(&data);
            if !path.exists() {
                return Err(crate::Error::Io(format!(
                    "no event log at {}",
                    path.display()
                )));
            }
            let reader = hallq_store::Store::open(&path)?;
            reader.backup_to(&file)?;
            println!(
                "backed up {} (seq {}) to {}",
                path.display(),
                reader.last_seq(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Report {
            period,
            date,
            config,
            data,
            format,
            out,
        } => {
            use crate::http::reports::Format;
            let hall = server::load_hall(config.as_deref())?;
            let path = server::db_path(&data);
            if !path.exists() {
                return Err(crate::Error::Io(format!(
                    "no event log at {}",
                    path.display()
                )));
            }
            let period = hallq_core::report::Period::parse(&period).expect("checked by clap");
            let format = Format::parse(&format).expect("checked by clap");
            let date = date.unwrap_or_else(|| hall.calendar.business_day(jiff::Timestamp::now()));
            period.checked_span(date).map_err(crate::Error::Refused)?;
            let projection = crate::projection::rebuild(&hall, &path)
                .map_err(|e| crate::Error::Io(format!("cannot read {}: {e}", path.display())))?;
            let report = projection.report(&hall, period, date);
            let body = format.render(&report).map_err(crate::Error::Io)?;
            match out {
                Some(file) => {
                    std::fs::write(&file, &body).map_err(|e| {
                        crate::Error::Io(format!("cannot write {}: {e}", file.display()))
                    })?;
                    eprintln!(
                        "{} {}–{} (seq {}) written to {}",
                        period.name_zh(),
                        report.from,
                        report.to,
                        report.seq,
                        file.display()
                    );
                }
                None => std::io::Write::write_all(&mut std::io::stdout().lock(), &body)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::HashPassword => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                return Err(crate::Error::Refused("the password is empty".into()));
            }
            println!("{}", crate::passwords::hash(password));
            Ok(ExitCode::SUCCESS)
        }
    }
}
