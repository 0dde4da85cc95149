"""Find out why a connection failed when libldap only reports "Can't contact LDAP server".

libldap gives the same error for a closed port and for a certificate it
does not trust. After such a failure these probes repeat the TCP connection
and the TLS handshake with Python's ssl module, whose errors name the cause
("self-signed certificate in certificate chain", "hostname mismatch").
"""

from __future__ import annotations

import socket
import ssl
from typing import Protocol

from ldap2ts.settings import LdapSettings

START_TLS_OID = b"1.3.6.1.4.1.1466.20037"
_START_TLS_REQUEST = (
    b"\x30" + bytes([5 + 2 + len(START_TLS_OID)])
    + b"\x02\x01\x01"  # messageID 1
    + b"\x77" + bytes([2 + len(START_TLS_OID)])  # [APPLICATION 23] ExtendedRequest
    + b"\x80" + bytes([len(START_TLS_OID)]) + START_TLS_OID  # requestName [0]
)  # fmt: skip
"""BER of an RFC 4511 ExtendedRequest for StartTLS (RFC 4513 section 3)."""


class Address(Protocol):
    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...

    @property
    def url(self) -> str: ...

    @property
    def scheme(self) -> str: ...


def accepts_tcp(address: Address, timeout: float) -> bool:
    """Tell whether something accepts TCP connections at the address."""
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout):
            return True
    except OSError:
        return False


def tls_problem(address: Address, settings: LdapSettings, *, start_tls: bool) -> str | None:
    """Return a message naming a TLS failure at the address, or None when TLS is not the cause."""
    if address.scheme != "ldaps" and not start_tls:
        return None
    try:
        raw = socket.create_connection((address.host, address.port), timeout=settings.timeout)
    except OSError:
        return None
    with raw:
        if start_tls:
            refusal = _start_tls_refusal(raw, address)
            if refusal is not None:
                return refusal
        return _handshake_problem(raw, address, settings)


def _start_tls_refusal(raw: socket.socket, address: Address) -> str | None:
    try:
        raw.sendall(_START_TLS_REQUEST)
        code = _extended_response_code(raw)
    except (OSError, ValueError):
        return None
    if code == 0:
        return None
    return (
        f"StartTLS refused by {address.url} (LDAP result code {code}): enable TLS on the "
        "server, or use ldaps:// if it listens for it (ldap2ts never falls back to plaintext)"
    )


def _handshake_problem(raw: socket.socket, address: Address, settings: LdapSettings) -> str | None:
    try:
        context = ssl.create_default_context(cafile=settings.ca_file)
    except (ssl.SSLError, OSError) as error:
        return (
            f"cannot read CA file {settings.ca_file!r} ({error}); "
            "point ca_file at a PEM bundle of CA certificates"
        )
    if not settings.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        with context.wrap_socket(raw, server_hostname=address.host):
            return None
    except ssl.SSLCertVerificationError as error:
        where = f"CA file {settings.ca_file!r}" if settings.ca_file else "the system CA store"
        return (
            f"certificate of {address.url} not trusted: {error.verify_message} (verified "
            f"against {where}); set ca_file to the PEM file of the CA that signed the "
            "server's certificate"
        )
    except ssl.SSLError as error:
        hint = ""
        if address.scheme == "ldaps":
            plain_url = f"ldap://{address.url.split('://', 1)[1]}"
            hint = (
                "; the server at that port may speak plain LDAP: use "
                f"{plain_url} with start_tls, or the server's ldaps:// port (usually 636)"
            )
        return f"TLS handshake with {address.url} failed: {error.reason or error}{hint}"
    except OSError:
        return None


def _extended_response_code(raw: socket.socket) -> int:
    """Read one LDAPMessage and return the resultCode of its ExtendedResponse."""
    data = b""
    while True:
        chunk = raw.recv(4096)
        if not chunk:
            raise ValueError("connection closed before the StartTLS response")
        data += chunk
        total = _message_length(data)
        if total is not None and len(data) >= total:
            break
    position = _skip_header(data, 0)  # LDAPMessage SEQUENCE
    position = _skip_element(data, position)  # messageID
    if data[position] != 0x78:
        raise ValueError("not an ExtendedResponse")
    position = _skip_header(data, position)
    if data[position] != 0x0A:
        raise ValueError("ExtendedResponse without a resultCode")
    length = data[position + 1]
    return int.from_bytes(data[position + 2 : position + 2 + length], "big")


def _read_length(data: bytes, position: int) -> tuple[int, int]:
    """Return the BER length at ``position`` and the position of the first content octet."""
    first = data[position]
    if first < 0x80:
        return first, position + 1
    count = first & 0x7F
    return int.from_bytes(data[position + 1 : position + 1 + count], "big"), position + 1 + count


def _message_length(data: bytes) -> int | None:
    if len(data) < 2 or (data[1] >= 0x80 and len(data) < 2 + (data[1] & 0x7F)):
        return None
    length, start = _read_length(data, 1)
    return start + length


def _skip_header(data: bytes, position: int) -> int:
    _, start = _read_length(data, position + 1)
    return start


def _skip_element(data: bytes, position: int) -> int:
    length, start = _read_length(data, position + 1)
    return start + length
