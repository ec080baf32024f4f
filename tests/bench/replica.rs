//! A `backorder-server` process the bench starts, as an operator would run a replica.

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
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
