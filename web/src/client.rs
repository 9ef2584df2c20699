//! Who is asking: the client's address, the same for logs, audit records
//! and throttling. Behind a proxy the peer is the proxy, and the client is
//! in `X-Forwarded-For`; but anyone can send that header, so it is read
//! only when the peer is a proxy the configuration trusts, and then from
//! the right: the last address no trusted proxy added.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::HttpRequest;
use actix_web::web::Data;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed (`server.trusted_proxies`).
#[derive(Debug, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    /// Whether the log has been told of a forwarded request from a peer
    /// that is not trusted (once per process is enough).
    warned: AtomicBool,
}

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> Self {
        Self {
            nets,
            warned: AtomicBool::new(false),
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// A request came through a proxy the configuration does not name:
    /// every client then looks like the proxy, and sign-in throttling by
    /// address would lock them all out together. Said once.
    fn untrusted_forward(&self, peer: IpAddr) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                %peer,
                "a request carries X-Forwarded-For from a peer that server.trusted_proxies does not name: \
                 clients are taken to be the peer; behind a load balancer or ingress, set \
                 SHANLIAN__SERVER__TRUSTED_PROXIES to its addresses"
            );
        }
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For`.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            if forwarded_for.is_some() {
                self.untrusted_forward(peer);
            }
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or_default().rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return ip,
                // A hop that is not an address: the proxies' own record
                // stops being readable here, so trust ends too.
                Err(_) => return client,
            }
        }
        client
    }
}

/// The request's client address, as text.
pub fn address(req: &HttpRequest) -> Option<String> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let client = match req.app_data::<Data<TrustedProxies>>() {
        Some(trusted) => trusted.client(peer, forwarded),
        None => peer,
    };
    Some(client.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn the_header_counts_only_behind_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.5"), Some("1.2.3.4")), ip("203.0.113.5"));
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap_or_else(|_| IpNet::default())]);
        // A client that forged a header in front of the proxy: the proxy
        // appended the real one, which is the rightmost untrusted hop.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), Some("6.6.6.6, 198.51.100.7, 10.0.0.9")),
            ip("198.51.100.7")
        );
        assert_eq!(proxies.client(ip("203.0.113.5"), Some("6.6.6.6")), ip("203.0.113.5"));
        assert_eq!(proxies.client(ip("10.0.0.2"), None), ip("10.0.0.2"));
        assert_eq!(proxies.client(ip("10.0.0.2"), Some("junk, 10.0.0.3")), ip("10.0.0.3"));
    }
}
