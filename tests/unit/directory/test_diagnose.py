"""The StartTLS probe that explains connection failures, over a local socket pair."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from ldap2ts.directory import diagnose
from ldap2ts.directory.connection import parse_url
from ldap2ts.settings import LdapSettings


def extended_response(result_code: int, *, split: bool = False) -> list[bytes]:
    """Return an LDAPMessage with an ExtendedResponse, in one or two chunks."""
    body = b"\x0a\x01" + bytes([result_code]) + b"\x04\x00\x04\x00"
    operation = b"\x78" + bytes([len(body)]) + body
    message = b"\x02\x01\x01" + operation
    data = b"\x30" + bytes([len(message)]) + message
    return [data[:3], data[3:]] if split else [data]


def serve(chunks: list[bytes]) -> tuple[socket.socket, threading.Thread, list[bytes]]:
    client, server = socket.socketpair()
    received: list[bytes] = []

    def reply() -> None:
        with server:
            received.append(server.recv(4096))
            for chunk in chunks:
                server.sendall(chunk)

    thread = threading.Thread(target=reply)
    thread.start()
    return client, thread, received


def test_start_tls_request_encoding() -> None:
    assert diagnose._START_TLS_REQUEST.hex() == (
        "301d02010177188016" + b"1.3.6.1.4.1.1466.20037".hex()
    )


def test_refusal_code_read() -> None:
    client, thread, received = serve(extended_response(2))

    with client:
        client.sendall(diagnose._START_TLS_REQUEST)
        code = diagnose._extended_response_code(client)
    thread.join()

    assert code == 2
    assert received == [diagnose._START_TLS_REQUEST]


def test_response_in_two_chunks() -> None:
    client, thread, _ = serve(extended_response(0, split=True))

    with client:
        client.sendall(diagnose._START_TLS_REQUEST)
        code = diagnose._extended_response_code(client)
    thread.join()

    assert code == 0


def test_long_form_length() -> None:
    body = b"\x0a\x01\x34" + b"\x04\x00" + b"\x04\x81\x90" + b"x" * 0x90
    operation = b"\x78\x81" + bytes([len(body)]) + body
    message = b"\x02\x01\x01" + operation
    data = b"\x30\x81" + bytes([len(message)]) + message
    client, thread, _ = serve([data])

    with client:
        client.sendall(diagnose._START_TLS_REQUEST)
        code = diagnose._extended_response_code(client)
    thread.join()

    assert code == 0x34


def test_handshake_with_unloadable_ca_file(tmp_path: Path) -> None:
    not_pem = tmp_path / "ldap2ts.toml"
    not_pem.write_text('[ldap]\nurl = "ldaps://127.0.0.1"\n')
    settings = LdapSettings(url="ldaps://127.0.0.1:636", ca_file=str(not_pem))
    client, server = socket.socketpair()

    with client, server:
        problem = diagnose._handshake_problem(client, parse_url(settings.url), settings)

    assert problem is not None
    assert problem.startswith(f"cannot read CA file '{not_pem}' (")
    assert problem.endswith("); point ca_file at a PEM bundle of CA certificates")
