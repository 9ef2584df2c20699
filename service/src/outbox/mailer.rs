//! The transport that carries outbox rows out: SMTP through lettre's async
//! transport (built once, pooled), or `.eml` files in a folder when no SMTP
//! server is configured, so the embedded default needs nothing installed.

use std::path::PathBuf;
use std::time::Duration;

use entity::email_outbox;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain SMTP: only for a relay on the same host or a test server.
    None,
    /// Upgrade with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout: Duration,
}

/// Who mail comes from and how its Message-IDs are named.
#[derive(Clone, Debug)]
pub struct Sender {
    pub from: Mailbox,
    /// The right-hand side of `<outbox-id@domain>`.
    pub message_id_domain: String,
}

impl Sender {
    pub fn new(from: &str, message_id_domain: &str) -> Result<Self> {
        let from = from.parse().map_err(|e| {
            Error::validation(
                "mail.from",
                format!("mail.from is not an address: {e}"),
                format!("发件地址无效：{e}"),
            )
        })?;
        Ok(Self {
            from,
            message_id_domain: message_id_domain.to_owned(),
        })
    }

    /// The stable Message-ID of a row: every retry carries the same one, so
    /// a receiver can drop a duplicate delivery.
    pub fn message_id(&self, row: &email_outbox::Model) -> String {
        format!("<{}@{}>", row.id, self.message_id_domain)
    }

    fn message(&self, row: &email_outbox::Model) -> Result<Message, SendError> {
        let to: Mailbox = row
            .recipient
            .parse()
            // The address itself stays out of the message: it goes to the log.
            .map_err(|e| SendError::permanent(format!("the recipient is not an address: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(self.message_id(row)))
            .multipart(MultiPart::alternative_plain_html(
                row.text_body.clone(),
                row.html_body.clone(),
            ))
            .map_err(|e| SendError::permanent(format!("building the message: {e}")))
    }
}

/// Why a delivery failed, and whether trying again could help.
#[derive(Debug)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl SendError {
    fn permanent(message: String) -> Self {
        Self {
            permanent: true,
            message,
        }
    }
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn smtp(settings: &SmtpSettings) -> Result<Self> {
        let builder = match settings.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host).map_err(|e| {
                Error::validation(
                    "mail.smtp.host",
                    format!("STARTTLS to {}: {e}", settings.host),
                    format!("无法与 {} 建立 STARTTLS：{e}", settings.host),
                )
            })?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host).map_err(|e| {
                Error::validation(
                    "mail.smtp.host",
                    format!("TLS to {}: {e}", settings.host),
                    format!("无法与 {} 建立 TLS：{e}", settings.host),
                )
            })?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self::Smtp(builder.build()))
    }

    pub fn file(dir: PathBuf) -> Result<Self> {
        std::fs::create_dir_all(&dir).map_err(Error::internal)?;
        Ok(Self::File(AsyncFileTransport::new(dir)))
    }

    pub async fn send(&self, sender: &Sender, row: &email_outbox::Model) -> Result<(), SendError> {
        let message = sender.message(row)?;
        match self {
            Mailer::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Mailer::File(transport) => transport.send(message).await.map(drop).map_err(|e| SendError {
                permanent: false,
                message: e.to_string(),
            }),
        }
    }
}
