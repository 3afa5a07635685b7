"""Which peer to believe about the client: the trusted reverse proxies (``GREENLIST_TRUSTED_PROXIES``).

Behind the proxy of docs/deploy.md every request's REMOTE_ADDR is the proxy's, so the client's own
address (for login throttling) and scheme (for secure cookies and redirects) come from the
``X-Forwarded-For`` / ``X-Forwarded-Proto`` headers the proxy adds. Any client can send those
headers too, so they count only when the request really comes from a configured proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """IPs and CIDRs as networks; a bad entry is a configuration error, never silently ignored."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"GREENLIST_TRUSTED_PROXIES 中的“{entry}”不是有效的 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）。"
            ) from exc
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return parse_networks(tuple(getattr(settings, "GREENLIST_TRUSTED_PROXIES", ())))


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def from_trusted_proxy(request: HttpRequest) -> bool:
    return _trusted(_address(request.META.get("REMOTE_ADDR", "")), trusted_networks())


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy; then the right-most
    address of the X-Forwarded-For chain that is not itself a trusted proxy. Entries left of it
    were written by the client and may be anything, so they are never read."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks()
    if not _trusted(_address(remote), networks):
        return remote
    chain = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(chain):
        address = _address(hop)
        if address is None:
            break  # garbage from the client's side: the last hop a proxy vouched for stands
        client = str(address)
        if not _trusted(address, networks):
            break
    return client


class TrustedProxyMiddleware:
    """Takes the scheme from ``X-Forwarded-Proto`` only from a trusted proxy (in place of
    ``SECURE_PROXY_SSL_HEADER``, which would believe any client). Must run before
    ``SecurityMiddleware`` so its HTTPS redirect sees the real scheme."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proto = request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        if proto is not None and from_trusted_proxy(request):
            scheme = proto.split(",")[0].strip().lower()
            if scheme in ("http", "https"):
                # request.scheme reads the WSGI environ, which is request.META itself.
                request.META["wsgi.url_scheme"] = scheme
        return self.get_response(request)
