"""A throwaway certificate authority and server certificate, made with the openssl CLI.

Test servers on loopback use them for ldaps:// and StartTLS. The server
certificate names 127.0.0.1 and localhost, so clients verify it against the
CA file with no special options.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

DAYS = "3"
"""Validity of the certificates in days: long enough for one test session."""


@dataclass(frozen=True, slots=True)
class ServerCertificate:
    ca_file: Path
    cert_file: Path
    key_file: Path


def _openssl(*arguments: str, cwd: Path) -> None:
    result = subprocess.run(
        ["openssl", *arguments], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {arguments[0]} failed: {result.stderr.strip()}")


def make_ca(folder: Path, name: str = "ldap2ts test CA") -> tuple[Path, Path]:
    """Create a self-signed CA in ``folder``; return (certificate, key) paths."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "ca.pem", folder / "ca.key"
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", DAYS,
        "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    return cert, key


def make_server_certificate(folder: Path) -> ServerCertificate:
    """Create a CA and a server certificate for 127.0.0.1 and localhost signed by it."""
    ca_cert, ca_key = make_ca(folder)
    key, csr, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    extensions = folder / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
    )
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=localhost",
        "-keyout", str(key), "-out", str(csr),
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", DAYS, "-sha256", "-extfile", str(extensions),
        "-out", str(cert),
        cwd=folder,
    )  # fmt: skip
    key.chmod(0o600)
    return ServerCertificate(ca_file=ca_cert, cert_file=cert, key_file=key)
