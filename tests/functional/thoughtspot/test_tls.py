"""TLS against a real HTTPS server on loopback with a self-signed certificate."""

from __future__ import annotations

import http.server
import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.thoughtspot import ThoughtSpotClient
from tests.unit.thoughtspot.conftest import RecordingPolicy, make_settings


class RejectLogin(http.server.BaseHTTPRequestHandler):
    """Responds to every request with the 401 ThoughtSpot sends for a wrong password."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        body = json.dumps({"error": {"message": "invalid username or password"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def https_url(certificate: tuple[Path, Path]) -> Iterator[str]:
    cert, key = certificate
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RejectLogin)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_untrusted_certificate_names_the_fix(https_url: str) -> None:
    policy = RecordingPolicy()

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(make_settings(url=https_url), retry_policy=policy):
            pass

    message = str(caught.value)
    assert message.startswith(f"the TLS certificate of ThoughtSpot at {https_url} is not trusted")
    assert "set thoughtspot.ca_file to the CA bundle that signed it" in message
    assert "or set thoughtspot.verify_tls to false" in message
    assert policy.delays == []


def test_ca_file_makes_certificate_trusted(https_url: str, certificate: tuple[Path, Path]) -> None:
    settings = make_settings(url=https_url, ca_file=str(certificate[0]))

    with pytest.raises(ThoughtSpotError, match="rejected the login of user 'tsadmin'"):
        with ThoughtSpotClient(settings, retry_policy=RecordingPolicy()):
            pass


def test_verify_off_connects_with_warning(https_url: str, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(url=https_url, verify_tls=False)

    with pytest.raises(ThoughtSpotError, match="rejected the login"):
        with ThoughtSpotClient(settings, retry_policy=RecordingPolicy()):
            pass

    assert f"TLS certificate verification is off for ThoughtSpot at {https_url}" in caplog.text
