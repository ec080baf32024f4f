//! The replica tests start three on one database, the bench one or two.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

pub struct Replica {
    child: Child,
    addr: SocketAddr,
}

impl Replica {
    /// Starts the release binary with `args` on a free port; returns once it listens. Its
    /// access log is read and dropped, so a full pipe never stalls it.
    pub fn spawn(args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backorder-server"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("backorder-server does not start: {error}"))?;
        let mut stderr = BufReader::new(child.stderr.take().ok_or("no stderr")?);
        let mut log = String::new();
        let addr = loop {
            let mut line = String::new();
            let read = stderr
                .read_line(&mut line)
                .map_err(|error| format!("its stderr: {error}"))?;
            if read == 0 {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("backorder-server stopped: {log}"));
            }
            if let Some(rest) = line
                .trim()
                .strip_prefix("backorder-server listening on http://")
            {
                break rest
                    .parse()
                    .map_err(|_| format!("not an address: {rest}"))?;
            }
            log.push_str(&line);
        };
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Ok(Self { child, addr })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL: no shutdown, nothing handed back.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}
