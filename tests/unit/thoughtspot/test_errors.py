"""One clear message for each way the ThoughtSpot connection can fail."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import httpx
import pytest

from ldap2ts.errors import ConfigError, ThoughtSpotError
from ldap2ts.settings import Secret
from ldap2ts.thoughtspot import ThoughtSpotClient
from ldap2ts.thoughtspot.errors import server_message
from tests.unit.thoughtspot.conftest import PASSWORD, RecordingPolicy, make_settings
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "missing ThoughtSpot URL"),
        ("ts.example.com", "invalid ThoughtSpot URL 'ts.example.com': no scheme"),
        (
            "ftp://ts.example.com",
            "unsupported scheme 'ftp' in ThoughtSpot URL 'ftp://ts.example.com'",
        ),
        ("https://", "invalid ThoughtSpot URL 'https://'"),
        ("https://ts.example.com:99999", "invalid ThoughtSpot URL 'https://ts.example.com:99999'"),
        ("https://ts.example.com/?a=b", "remove the query"),
    ],
)
def test_bad_url_is_a_config_error(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ThoughtSpotClient(make_settings(url=url))

    assert message in str(caught.value)
    assert "thoughtspot.url" in str(caught.value)
    assert "https://HOST[:PORT]" in str(caught.value)


def test_wrong_password_names_user_and_fix(fake: FakeThoughtSpot) -> None:
    settings = make_settings(password=Secret("not-the-password", "env LDAP2TS_TS_PASSWORD"))

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(
            settings, transport=fake.transport(), retry_policy=RecordingPolicy()
        ):
            pass

    message = str(caught.value)
    assert message == (
        "ThoughtSpot rejected the login of user 'tsadmin' (HTTP 401: invalid username or "
        "password); check thoughtspot.username, the password or secret_key"
    )
    assert "not-the-password" not in message
    assert caught.value.status == 401
    assert fake.calls["auth/token/full"] == 1


def test_missing_password_is_a_config_error(fake: FakeThoughtSpot) -> None:
    settings = make_settings(password=None)

    with pytest.raises(ConfigError, match="missing ThoughtSpot password or secret key"):
        with ThoughtSpotClient(settings, transport=fake.transport()):
            pass

    assert fake.requests == []


def test_non_admin_account_is_rejected_at_login(fake: FakeThoughtSpot) -> None:
    fake.admin = False

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(make_settings(), transport=fake.transport()):
            pass

    assert "ThoughtSpot user 'tsadmin' lacks the ADMINISTRATION privilege" in str(caught.value)
    assert "set thoughtspot.username to an administrator" in str(caught.value)
    assert fake.calls["users/create"] == 0


def test_forbidden_names_privilege(fake: FakeThoughtSpot) -> None:
    fake.faults["system"] = [403]

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(make_settings(), transport=fake.transport()):
            pass

    assert str(caught.value) == (
        "ThoughtSpot user 'tsadmin' is not allowed to call /api/rest/2.0/system "
        "(HTTP 403: injected fault); log in with an account that has the ADMINISTRATION privilege"
    )


def raising(exc: Exception) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handle)


def test_unknown_host_message() -> None:
    transport = raising(httpx.ConnectError("[Errno -2] Name or service not known"))
    settings = make_settings(url="https://ts.example.invalid", max_retries=0)

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=transport):
            pass

    assert str(caught.value) == (
        "cannot connect to ThoughtSpot at https://ts.example.invalid: host not found "
        "([Errno -2] Name or service not known); check the host name in thoughtspot.url"
    )


def test_certificate_error_is_not_retried() -> None:
    attempts = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate")

    settings = make_settings(url="https://ts.example.test")
    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=httpx.MockTransport(handle)):
            pass

    assert len(attempts) == 1
    assert "TLS certificate of ThoughtSpot at https://ts.example.test is not trusted" in str(
        caught.value
    )
    assert "set thoughtspot.ca_file" in str(caught.value)
    assert "thoughtspot.verify_tls to false" in str(caught.value)


@pytest.mark.parametrize(
    "reason",
    [
        "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)",
        "[SSL: RECORD_LAYER_FAILURE] record layer failure (_ssl.c:1000)",
    ],
)
def test_plain_http_port_hint_not_retried(reason: str) -> None:
    attempts = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError(reason)

    settings = make_settings(url="https://ts.example.test:8080")
    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=httpx.MockTransport(handle)):
            pass

    assert len(attempts) == 1
    assert str(caught.value) == (
        f"TLS handshake with ThoughtSpot at https://ts.example.test:8080 failed ({reason}); "
        "the server at that port may speak plain HTTP: use http://ts.example.test:8080 in "
        "thoughtspot.url, or the port of its HTTPS listener (usually 443)"
    )


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_wrong_port_message(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    policy = RecordingPolicy(max_retries=5)

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(make_settings(url=url), retry_policy=policy):
            pass

    # A server that never sent a response is retried once, not five times.
    assert len(policy.delays) == 1
    assert str(caught.value) == (
        f"cannot connect to ThoughtSpot at {url}: connection refused; "
        "check the port in thoughtspot.url"
    )


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never sends a response."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_timeout_message(silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    settings = make_settings(url=url, timeout=0.2)
    policy = RecordingPolicy(max_retries=5)

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, retry_policy=policy):
            pass

    assert len(policy.delays) == 1
    assert str(caught.value) == (
        f"ThoughtSpot at {url} timed out (ReadTimeout); check that the host and port in "
        "thoughtspot.url are right, or raise thoughtspot.timeout"
    )


def test_verify_off_warns_every_time(
    fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(2):
        with ThoughtSpotClient(make_settings(verify_tls=False), transport=fake.transport()):
            pass

    warnings = [r for r in caplog.records if "verification is off" in r.getMessage()]
    assert len(warnings) == 2
    assert warnings[0].levelname == "WARNING"


def test_unreadable_ca_file(tmp_path: pytest.TempPathFactory) -> None:
    missing = f"{tmp_path}/missing.pem"

    with pytest.raises(ConfigError) as caught:
        ThoughtSpotClient(make_settings(ca_file=missing))

    assert f"cannot read CA file {missing!r}" in str(caught.value)
    assert "thoughtspot.ca_file" in str(caught.value)


def test_ca_file_folder_named(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(ConfigError) as caught:
        ThoughtSpotClient(make_settings(ca_file=str(tmp_path)))

    assert str(caught.value) == (
        f"thoughtspot.ca_file: cannot read CA file {str(tmp_path)!r}: is a directory, not a "
        "file: give the path of a PEM file of CA certificates"
    )


def test_html_answer_is_explained(fake: FakeThoughtSpot) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"})

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(make_settings(), transport=httpx.MockTransport(handle)):
            pass

    assert "returned a body that is not JSON (HTTP 200, text/html)" in str(caught.value)
    assert "check that thoughtspot.url points at ThoughtSpot" in str(caught.value)


def test_debug_log_holds_no_secret(fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    settings = make_settings()

    with ThoughtSpotClient(settings, transport=fake.transport()) as client:
        client.search_users()
        text = caplog.text + repr(client.settings) + repr(settings.password)

    assert "/auth/token/full (hidden)" in caplog.text
    assert PASSWORD not in text
    assert "token-1" not in text
    assert "Bearer" not in text


def test_rejected_login_names_org(fake: FakeThoughtSpot) -> None:
    settings = make_settings(password=Secret("wrong", "test"), org_id=42)

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=fake.transport()):
            pass

    assert str(caught.value).endswith("and thoughtspot.org_id (42)")


def test_client_quiets_httpx_loggers(fake: FakeThoughtSpot) -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    logging.getLogger("httpcore").setLevel(logging.DEBUG)

    with ThoughtSpotClient(make_settings(), transport=fake.transport()):
        pass

    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error": {"message": {"debug": {"code": 10002, "debug": '["User x not found."]'}}}},
            "User x not found. (code 10002)",
        ),
        ({"error": {"message": "Invalid request"}}, "Invalid request"),
        ({"error": {"detail": ["first", "second"]}}, "first; second"),
        ({"error": {"unusual": 1}}, '{"unusual": 1}'),
        ({"error": None}, None),
    ],
)
def test_server_message_shapes(body: object, expected: str | None) -> None:
    response = httpx.Response(400, json=body)

    assert server_message(response) == expected


def test_server_message_of_plain_text() -> None:
    assert server_message(httpx.Response(502, text="Bad gateway\n")) == "Bad gateway"
