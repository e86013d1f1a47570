//! `mtcheck serve` on a free loopback port, for tests that talk to it over real HTTP (ureq).

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// What it has written to stderr since it started listening (the access log).
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Starts `mtcheck serve` on a free loopback port with `args`, and waits for its address.
pub fn serve(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtcheck"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().expect("a line on stderr").unwrap();
    let base = line.split("listening on ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or_else(|| {
        panic!("no address in {line:?}");
    });
    // Keep draining stderr so the server never blocks on a full pipe.
    let log = Arc::new(Mutex::new(Vec::new()));
    let kept = log.clone();
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| kept.lock().unwrap().push(line)));
    Server { base: base.to_string(), child, log }
}

pub fn status_and_body(result: Result<ureq::Response, ureq::Error>) -> (u16, Value) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let body = response.into_string().unwrap();
    (status, serde_json::from_str(&body).unwrap_or_else(|_| panic!("JSON body: {body}")))
}

pub fn post_json(url: &str, body: &str) -> (u16, Value) {
    status_and_body(ureq::post(url).set("Content-Type", "application/json").send_string(body))
}
