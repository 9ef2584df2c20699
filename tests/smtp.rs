//! A real SMTP server inside the test process (mailin-embedded), so email
//! delivery is tested over a real SMTP conversation on a TCP port and the
//! assertions are made on what the server received.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Response, Server, response};
use tokio::sync::watch;

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

#[derive(Clone)]
struct Capture {
    current_to: Vec<String>,
    buffer: Vec<u8>,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    count: Arc<watch::Sender<usize>>,
    gate: Option<Arc<GateInner>>,
}

/// Holds each message at the end of its DATA, before the server answers,
/// until the test lets it through: the moment a sender is in the middle of
/// sending an email.
pub struct Gate(Arc<GateInner>);

struct GateInner {
    waiting: watch::Sender<usize>,
    passes: Mutex<std::sync::mpsc::Receiver<()>>,
    release: std::sync::mpsc::Sender<()>,
}

impl Gate {
    /// Wait until `n` messages have been held at the gate (bounded).
    pub async fn wait_for_held(&self, n: usize) {
        let mut waiting = self.0.waiting.subscribe();
        tokio::time::timeout(Duration::from_secs(20), waiting.wait_for(|w| *w >= n))
            .await
            .unwrap_or_else(|_| panic!("no message reached the gate: expected {n}"))
            .unwrap();
    }

    /// Let one held message (or the next to arrive) through.
    pub fn release_one(&self) {
        self.0.release.send(()).unwrap();
    }
}

impl Handler for Capture {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current_to = to.to_vec();
        self.buffer.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buffer.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(gate) = &self.gate {
            gate.waiting.send_modify(|w| *w += 1);
            if gate.passes.lock().unwrap().recv().is_err() {
                return response::INTERNAL_ERROR;
            }
        }
        let parsed = mail_parser::MessageParser::default().parse(&self.buffer);
        let mail = match parsed {
            Some(m) => ReceivedMail {
                to: self.current_to.clone(),
                subject: m.subject().unwrap_or_default().to_owned(),
                text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                html: m.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                message_id: m.message_id().unwrap_or_default().to_owned(),
            },
            None => return response::INTERNAL_ERROR,
        };
        let mut received = self.received.lock().unwrap();
        received.push(mail);
        self.count.send_replace(received.len());
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    count: watch::Receiver<usize>,
}

/// Start a server on a free port.
pub fn start() -> SmtpServer {
    start_on(TcpListener::bind("127.0.0.1:0").unwrap())
}

/// Start a server on a listener the test already holds (to bring a server
/// "back" on the port the application was configured with).
pub fn start_on(listener: TcpListener) -> SmtpServer {
    serve(listener, None)
}

/// Start a server that holds every message at a [`Gate`].
pub fn start_gated() -> (SmtpServer, Gate) {
    let (release, passes) = std::sync::mpsc::channel();
    let gate = Arc::new(GateInner {
        waiting: watch::channel(0).0,
        passes: Mutex::new(passes),
        release,
    });
    let server = serve(TcpListener::bind("127.0.0.1:0").unwrap(), Some(gate.clone()));
    (server, Gate(gate))
}

fn serve(listener: TcpListener, gate: Option<Arc<GateInner>>) -> SmtpServer {
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let (tx, count) = watch::channel(0);
    let handler = Capture {
        current_to: Vec::new(),
        buffer: Vec::new(),
        received: received.clone(),
        count: Arc::new(tx),
        gate,
    };
    let mut server = Server::new(handler);
    server
        .with_name("test.smtp")
        .with_num_threads(4)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        // Serves until the test process ends; an error here surfaces as
        // mail that never arrives, which `wait_for` reports.
        if let Err(e) = server.serve() {
            eprintln!("test SMTP server stopped: {e}");
        }
    });
    SmtpServer { port, received, count }
}

/// A port with nothing listening: an SMTP server that is down.
pub fn closed_port() -> (u16, impl FnOnce() -> SmtpServer) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    (port, move || {
        start_on(TcpListener::bind(("127.0.0.1", port)).expect("port free again"))
    })
}

impl SmtpServer {
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Wait until `n` messages have arrived (bounded: a missing mail fails
    /// the test rather than hanging it).
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedMail> {
        let mut count = self.count.clone();
        tokio::time::timeout(Duration::from_secs(20), count.wait_for(|c| *c >= n))
            .await
            .unwrap_or_else(|_| panic!("expected {n} emails, got {}", self.received().len()))
            .unwrap();
        self.received()
    }
}
