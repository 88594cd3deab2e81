//! The xdg-desktop-portal on Wayland: screen capture through the Screenshot interface
//! (<https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.Screenshot.html>), and
//! [`Portal::request`], the request/response helper that `shortcut.rs` uses for GlobalShortcuts too.
//!
//! The portal answers asynchronously: a call such as `Screenshot` returns the path of a `Request` object
//! whose `Response` signal carries the results (for a screenshot, the URI of a PNG). Tock subscribes to
//! that signal before calling (the request path is predictable from the handle token and Tock's unique bus
//! name), so a fast portal cannot answer unheard.
//!
//! The portal writes the screenshot to a file of its choosing (GNOME: `~/Pictures`, wlroots: `/tmp`). It
//! shows the secret QR code, so Tock deletes it after reading it, but only if it was written for this request
//! (a regular file modified since the request started); otherwise it says where the copy is.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use zbus::message::Type;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{Connection, MatchRule, MessageStream};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
pub const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SCREENSHOT: &str = "org.freedesktop.portal.Screenshot";
const REQUEST: &str = "org.freedesktop.portal.Request";
/// Long enough to answer the desktop's "allow Tock to take screenshots?" question.
const TIMEOUT: Duration = Duration::from_secs(120);
const INSTEAD: &str = "or save a screenshot and scan that image file instead";

/// Why the portal gave no screenshot.
#[derive(Debug, PartialEq, Eq)]
pub enum PortalError {
    /// No session bus, or no portal with a Screenshot interface on it.
    Missing(String),
    /// The portal is there but gave no screenshot (cancelled, refused, failed, timed out).
    Failed(String),
}

impl From<PortalError> for String {
    fn from(e: PortalError) -> String {
        match e {
            PortalError::Missing(m) | PortalError::Failed(m) => m,
        }
    }
}

/// A screenshot from the portal: the PNG's bytes, and a sentence about the portal's copy of it if that copy
/// could not be deleted.
pub struct Shot {
    pub png: Vec<u8>,
    pub note: Option<String>,
}

/// Asks the portal for a non-interactive screenshot of every monitor.
pub fn screenshot() -> Result<Shot, PortalError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| {
            PortalError::Failed(format!("the screenshot portal could not be asked ({e})"))
        })?;
    let requested = SystemTime::now();
    let uri = runtime
        .block_on(async { tokio::time::timeout(TIMEOUT, request_screenshot()).await })
        .map_err(|_| {
            PortalError::Failed(format!(
                "the screenshot portal did not answer within {} seconds; try again, {INSTEAD}",
                TIMEOUT.as_secs()
            ))
        })??;
    let path = local_path(&uri)?;
    let png = std::fs::read(&path).map_err(|e| {
        PortalError::Failed(format!(
            "the screenshot portal's file {} could not be read ({e})",
            path.display()
        ))
    })?;
    Ok(Shot {
        png,
        note: remove_copy(&path, requested),
    })
}

/// Calls `Screenshot` and waits for its `Response`; returns the screenshot's URI.
async fn request_screenshot() -> Result<String, PortalError> {
    let portal = Portal::connect().await.map_err(|e| {
        PortalError::Missing(format!(
            "there is no D-Bus session bus to reach the screenshot portal ({e}); save a screenshot and \
             scan that image file instead"
        ))
    })?;
    let (response, results) = portal
        .request(SCREENSHOT, "Screenshot", |token| {
            let options: HashMap<&str, Value<'static>> = HashMap::from([
                ("handle_token", Value::from(token)),
                ("interactive", Value::from(false)),
            ]);
            ("", options)
        })
        .await
        .map_err(|e| match e {
            RequestError::Missing(name) => PortalError::Missing(format!(
                "the screenshot portal is not available ({name}); install xdg-desktop-portal and your \
                 desktop's portal (xdg-desktop-portal-gnome, -kde or -wlr), {INSTEAD}"
            )),
            RequestError::Failed(e) => {
                PortalError::Failed(format!("the screenshot portal failed ({e}); {INSTEAD}"))
            }
            RequestError::Closed => PortalError::Failed(format!(
                "the connection to the screenshot portal closed before it answered; {INSTEAD}"
            )),
        })?;
    response_uri(response, &results)
}

/// Why a portal request got no `Response`.
#[derive(Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The bus answered for the portal: no portal, or no such interface or method (the D-Bus error's name).
    Missing(String),
    /// The call failed or its answer could not be read.
    Failed(String),
    /// The connection closed before the `Response` came.
    Closed,
}

/// A connection to the portal, on which requests are made and their `Response`s heard.
pub struct Portal {
    conn: Connection,
    /// Tock's unique bus name as request paths spell it (`1_42` for `:1.42`).
    sender: String,
}

impl Portal {
    /// Connects to the session bus.
    pub async fn connect() -> zbus::Result<Portal> {
        let conn = Connection::session().await?;
        let sender = conn
            .unique_name()
            .map(|n| n.trim_start_matches(':').replace('.', "_"))
            .unwrap_or_default();
        Ok(Portal { conn, sender })
    }

    /// Calls `method` of `interface` with the body `body(handle_token)` returns, and waits for the
    /// `Response` of its request: (0 success, 1 cancelled, 2 failed; the results).
    pub async fn request<B>(
        &self,
        interface: &str,
        method: &str,
        body: impl FnOnce(String) -> B,
    ) -> Result<(u32, HashMap<String, OwnedValue>), RequestError>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let failed = |e: zbus::Error| RequestError::Failed(e.to_string());
        // Every request of this connection lives under this path; the one for the token is predictable, but
        // old portals chose their own, so Tock listens to the whole namespace and keeps its request's signal.
        let requests = format!("{PORTAL_PATH}/request/{}", self.sender);
        let mut responses = self
            .subscribe(REQUEST, "Response", &requests)
            .await
            .map_err(failed)?;
        let reply = self
            .conn
            .call_method(
                Some(PORTAL),
                PORTAL_PATH,
                Some(interface),
                method,
                &body(handle_token()),
            )
            .await
            .map_err(|e| match &e {
                zbus::Error::MethodError(name, _, _)
                    if name.starts_with("org.freedesktop.DBus.Error.") =>
                {
                    RequestError::Missing(
                        name.trim_start_matches("org.freedesktop.DBus.Error.")
                            .to_owned(),
                    )
                }
                _ => failed(e),
            })?;
        let handle: OwnedObjectPath = reply.body().deserialize().map_err(failed)?;
        while let Some(message) = responses.next().await {
            let Ok(message) = message else { continue };
            if message.header().path().map(|p| p.as_str()) == Some(handle.as_str()) {
                return message.body().deserialize().map_err(failed);
            }
        }
        Err(RequestError::Closed)
    }

    /// The portal's signals `interface.member` on objects under `path`.
    pub async fn subscribe(
        &self,
        interface: &str,
        member: &str,
        path: &str,
    ) -> zbus::Result<MessageStream> {
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .sender(PORTAL)?
            .interface(interface)?
            .member(member)?
            .path_namespace(path)?
            .build();
        MessageStream::for_match_rule(rule, &self.conn, Some(8)).await
    }
}

/// The URI of a `Response` (0: success, 1: cancelled by the user, 2: failed).
fn response_uri(
    response: u32,
    results: &HashMap<String, OwnedValue>,
) -> Result<String, PortalError> {
    match response {
        0 => results
            .get("uri")
            .and_then(|v| <&str>::try_from(v).ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                PortalError::Failed(format!(
                    "the screenshot portal reported success but gave no image; {INSTEAD}"
                ))
            }),
        1 => Err(PortalError::Failed(
            "the screenshot was cancelled, so nothing was scanned".into(),
        )),
        _ => Err(PortalError::Failed(format!(
            "the desktop did not take the screenshot (refused or failed); check that Tock may take \
             screenshots in your desktop's privacy settings, {INSTEAD}"
        ))),
    }
}

/// A fresh handle token (letters, digits and `_` only, as object path elements require).
fn handle_token() -> String {
    format!("tock_{}", tock_store::new_account_id())
}

fn local_path(uri: &str) -> Result<PathBuf, PortalError> {
    url::Url::parse(uri)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| {
            PortalError::Failed(format!(
                "the screenshot portal gave {uri}, which is not a local file; {INSTEAD}"
            ))
        })
}

/// Deletes the portal's file if it was written for this request; otherwise says where it is.
fn remove_copy(path: &Path, requested: SystemTime) -> Option<String> {
    // Two seconds of slack for file systems with coarse modification times.
    let written_for_us = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|m| m.modified().ok())
        .is_some_and(|modified| modified + Duration::from_secs(2) >= requested);
    if written_for_us && std::fs::remove_file(path).is_ok() {
        return None;
    }
    Some(format!(
        "the screenshot portal saved a copy of the screen as {}; delete it, as it may show the secret QR code",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_map_to_clear_sentences() {
        let mut results = HashMap::new();
        results.insert(
            "uri".to_owned(),
            OwnedValue::try_from(Value::from("file:///tmp/Screenshot%20one.png")).unwrap(),
        );
        let uri = response_uri(0, &results).unwrap();
        assert_eq!(
            local_path(&uri).unwrap(),
            Path::new("/tmp/Screenshot one.png")
        );
        assert!(
            matches!(response_uri(0, &HashMap::new()), Err(PortalError::Failed(m)) if m.contains("gave no image"))
        );
        assert!(
            matches!(response_uri(1, &results), Err(PortalError::Failed(m)) if m.contains("cancelled"))
        );
        assert!(
            matches!(response_uri(2, &results), Err(PortalError::Failed(m)) if m.contains("did not take"))
        );
        assert!(local_path("https://example.com/shot.png").is_err());
    }

    #[test]
    fn only_a_file_written_for_the_request_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("Screenshot.png");
        std::fs::write(&fresh, b"png").unwrap();
        assert_eq!(remove_copy(&fresh, SystemTime::now()), None);
        assert!(!fresh.exists());

        let old = dir.path().join("holiday.png");
        std::fs::write(&old, b"png").unwrap();
        let later = SystemTime::now() + Duration::from_secs(60);
        let note = remove_copy(&old, later).unwrap();
        assert!(old.exists(), "a file older than the request is kept");
        assert!(
            note.contains("holiday.png") && note.contains("delete it"),
            "{note}"
        );
    }

    #[test]
    fn handle_tokens_are_valid_path_elements() {
        let token = handle_token();
        assert!(token.len() > 5);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_ne!(token, handle_token());
    }
}
