//! It is created in a temporary folder and started on a free port. As root, PostgreSQL refuses to
//! run, so initdb and pg_ctl then run as the `postgres` user Debian's package creates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where Debian's `postgresql` package (installed by `make tools`) puts version 15.
const BIN: &str = "/usr/lib/postgresql/15/bin";

/// The cluster's superuser, who owns every test database.
const USER: &str = "backorder";

/// A running cluster and its folder.
pub struct Cluster {
    folder: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// Creates and starts a cluster for tests; panics saying what is missing when it cannot.
    /// It skips `fsync`: nothing it holds outlives the run.
    pub fn start() -> Self {
        Self::start_with("-c fsync=off")
    }

    /// A cluster with PostgreSQL's durable defaults (every commit flushed before it is
    /// acknowledged), for measuring what a shop would run.
    pub fn start_durable() -> Self {
        Self::start_with("")
    }

    fn start_with(settings: &str) -> Self {
        assert!(
            Path::new(BIN).join("initdb").exists(),
            "PostgreSQL 15 is not installed ({BIN}/initdb): run make tools"
        );
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "backorder-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("the cluster's folder");
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown").arg("postgres:postgres").arg(&folder));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let cluster = Self {
            folder,
            port,
            as_postgres,
        };
        let data = cluster.folder.join("data");
        run(cluster.tool("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            USER,
            "--no-sync",
        ]));
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 {settings}",
            cluster.folder.display()
        );
        run(cluster
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.folder.join("log"))
            .args(["-w", "-o", &options, "start"]));
        cluster
    }

    /// One cluster for the whole test binary, started on first use. Statics are never dropped,
    /// so a watcher (a shell that polls this process) stops and removes it once the binary has
    /// exited, however it ended.
    #[allow(
        clippy::zombie_processes,
        reason = "the watcher outlives this process by design: it stops the cluster after"
    )]
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<Cluster> = OnceLock::new();
        SHARED.get_or_init(|| {
            let cluster = Self::start();
            let stop = match cluster.as_postgres {
                true => format!("runuser -u postgres -- {BIN}/pg_ctl"),
                false => format!("{BIN}/pg_ctl"),
            };
            let folder = cluster.folder.display();
            let watcher = format!(
                "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
                 {stop} -D {folder}/data -m immediate -w stop >/dev/null 2>&1; rm -rf {folder}",
                pid = std::process::id()
            );
            Command::new("sh")
                .args(["-c", &watcher])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("the cluster's watcher starts");
            cluster
        })
    }

    /// A fresh, empty database; returns its URL.
    pub fn create_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// The URL a server connects to `database` with, as the cluster's superuser.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs `sql` in `database` and returns what psql printed, one row a line, columns split
    /// by `|`.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let output = run(Command::new(Path::new(BIN).join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER])
            .args(["-d", database, "-c", sql]));
        String::from_utf8(output.stdout).expect("psql prints text")
    }

    /// `initdb` or `pg_ctl`, as the user that may run it.
    fn tool(&self, name: &str) -> Command {
        let path = Path::new(BIN).join(name);
        match self.as_postgres {
            true => {
                let mut command = Command::new("runuser");
                command.args(["-u", "postgres", "--"]).arg(path);
                command
            }
            false => Command::new(path),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        stop_cluster(&self.folder, self.as_postgres);
    }
}

fn stop_cluster(folder: &Path, as_postgres: bool) {
    let pg_ctl = Path::new(BIN).join("pg_ctl");
    let mut command = match as_postgres {
        true => {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(pg_ctl);
            command
        }
        false => Command::new(pg_ctl),
    };
    let _ = command
        .arg("-D")
        .arg(folder.join("data"))
        .args(["-m", "immediate", "-w", "stop"])
        .output();
    let _ = std::fs::remove_dir_all(folder);
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().next())
            == Some("0")
    })
}

/// Runs `command`, panicking with what it printed when it fails.
fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{command:?} runs: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
