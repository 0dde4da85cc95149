"""The emulator as a real HTTP server process on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from testkit.emulator import EmulatorServer, EmulatorStartError


def _admin(server: EmulatorServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.api_url, headers={"Authorization": f"Bearer {server.token()}"}, timeout=30
    )


def test_server_listens_on_loopback(ts_server: EmulatorServer) -> None:
    assert ts_server.url.startswith("http://127.0.0.1:")
    with _admin(ts_server) as client:
        response = client.get("/system")
    assert response.status_code == 200
    assert response.json()["tsadmin_user_id"]


def test_server_round_trip(ts_server: EmulatorServer) -> None:
    with _admin(ts_server) as client:
        created = client.post(
            "/users/create",
            json={"name": "http/user", "display_name": "Over HTTP", "email": "h@example.com"},
        )
        assert created.status_code == 200
        updated = client.post("/users/http%2Fuser/update", json={"display_name": "Renamed"})
        assert updated.status_code == 204
    users = {user["name"]: user for user in ts_server.state()["users"]}
    assert users["http/user"]["display_name"] == "Renamed"
    assert ts_server.counters()["writes"] == 2


def test_server_serves_concurrent_clients(ts_server: EmulatorServer) -> None:
    token = ts_server.token()

    def create(index: int) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=ts_server.api_url, headers=headers) as client:
            body = {
                "name": f"c{index}",
                "display_name": f"C {index}",
                "email": f"c{index}@example.com",
            }
            return client.post("/users/create", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(create, range(40)))
    assert statuses == [200] * 40
    assert len(ts_server.state()["users"]) == 44


def test_concurrent_membership_changes(ts_server: EmulatorServer) -> None:
    ts_server.load(groups=[{"name": "shared"}], users=[{"name": f"m{i:02d}"} for i in range(20)])
    token = ts_server.token()

    def change(worker: int) -> list[int]:
        names = [f"m{i:02d}" for i in range(worker * 5, worker * 5 + 5)]
        headers = {"Authorization": f"Bearer {token}"}
        statuses = []
        with httpx.Client(base_url=ts_server.api_url, headers=headers) as client:
            for name in names:
                body = {"group_identifiers": ["shared"], "operation": "ADD"}
                statuses.append(client.post(f"/users/{name}/update", json=body).status_code)
                statuses.append(client.post("/groups/search", json={"record_size": 5}).status_code)
            body = {"user_identifiers": names[:2], "operation": "REMOVE"}
            statuses.append(client.post("/groups/shared/update", json=body).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(change, range(4)))
    assert all(status in (200, 204) for statuses in results for status in statuses)
    groups = {group["name"]: group for group in ts_server.state()["groups"]}
    expected = [f"m{i:02d}" for worker in range(4) for i in range(worker * 5 + 2, worker * 5 + 5)]
    assert groups["shared"]["users"] == expected


def test_unknown_path_gives_404(ts_server: EmulatorServer) -> None:
    response = httpx.post(ts_server.api_url + "/users/nothing-here", json={})
    assert response.status_code == 404


def test_state_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with EmulatorServer(state=state) as first, _admin(first) as client:
        client.post("/groups/create", json={"name": "kept", "display_name": "Kept"})
        client.post(
            "/users/create",
            json={
                "name": "durable",
                "display_name": "D",
                "email": "d@example.com",
                "group_identifiers": ["kept"],
            },
        )
    with EmulatorServer(state=state) as second:
        users = {user["name"]: user for user in second.state()["users"]}
        assert users["durable"]["groups"] == ["kept"]
        assert sorted(users) == ["durable", "guest", "su", "system", "tsadmin"]


def test_admin_password_flag(tmp_path: Path) -> None:
    with EmulatorServer(admin_password="s3cret") as server:
        assert server.token("tsadmin", "s3cret")
        response = httpx.post(
            server.api_url + "/auth/token/full", json={"username": "tsadmin", "password": "admin"}
        )
        assert response.status_code == 401


def test_flags_set_knobs() -> None:
    with EmulatorServer(
        latency_ms=5, fault_rate=0.5, fault_seed=3, rate_limit="100/s", token_max_uses=9
    ) as server:
        knobs = server.knobs()
    assert knobs["latency_ms"] == 5
    assert knobs["fault_rate"] == 0.5
    assert knobs["fault_seed"] == 3
    assert knobs["rate_limit"] == 100
    assert knobs["token_max_uses"] == 9


def test_bad_flag_fails_start() -> None:
    with pytest.raises(EmulatorStartError, match="rate limit"):
        EmulatorServer(rate_limit="fast").start()


def test_missing_spec_file_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tsemulator", "--spec", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "none.json" in result.stderr


def test_server_logs_start_and_stop() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tsemulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert first_line.startswith("tsemulator listening on http://127.0.0.1:")
    assert process.returncode == 0
    assert "INFO tsemulator: tsemulator started on http://127.0.0.1:" in errors
    assert "INFO tsemulator: tsemulator on http://127.0.0.1:" in errors
    assert "stopped" in errors


def test_unusable_state_file_exits_2(tmp_path: Path) -> None:
    state = tmp_path / "missing-folder" / "state.db"
    result = subprocess.run(
        [sys.executable, "-m", "tsemulator", "--state", str(state)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"--state {state}: cannot open the SQLite database" in result.stderr


def test_busy_port_exits_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tsemulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"--port {port}: cannot listen" in result.stderr
