"""Command line: ``python -m tsemulator --port 0 --state FILE.db``.

Once listening, one line ``tsemulator listening on http://HOST:PORT`` is
printed on stdout, so a controller that passed ``--port 0`` can read the URL.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TypeVar

from tsemulator.app import EmulatorApp
from tsemulator.config import EmulatorConfig, parse_domains, parse_rate
from tsemulator.knobs import FAULT_KINDS, KnobError
from tsemulator.server import make_emulator_server

log = logging.getLogger("tsemulator")
T = TypeVar("T")


def _argument_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a parser so that argparse shows its ValueError message."""

    def wrapped(text: str) -> T:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return wrapped


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tsemulator", description="ThoughtSpot REST API v2.0 emulator"
    )
    _add_server_arguments(parser)
    _add_knob_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def _add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port; 0 picks a free one (default: 0)"
    )
    parser.add_argument(
        "--state", default=":memory:", help="SQLite file for the state, or :memory: (default)"
    )
    parser.add_argument(
        "--admin-password", default="admin", help="password of tsadmin (default: admin)"
    )
    parser.add_argument(
        "--secret-key", help="secret key accepted for trusted authentication (default: none)"
    )
    parser.add_argument(
        "--spec", type=Path, help="OpenAPI file to validate every request and response against"
    )
    parser.add_argument(
        "--allowed-email-domains",
        type=_argument_type(parse_domains),
        default=(),
        help="comma-separated e-mail domains users may have (default: all)",
    )


def _add_knob_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="delay added to every API request, in ms"
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of API requests that fail, 0 to 1"
    )
    parser.add_argument(
        "--fault-seed", type=int, default=0, help="seed of the fault generator (default: 0)"
    )
    parser.add_argument(
        "--fault-kind",
        choices=FAULT_KINDS,
        default="before",
        help="before: fail without applying; after: apply, then return 500 (default: before)",
    )
    parser.add_argument(
        "--rate-limit",
        type=_argument_type(parse_rate),
        help="requests allowed per second, e.g. 20/s or 600/min (default: no limit)",
    )
    parser.add_argument("--token-validity", type=int, help="lifetime of every new token in seconds")
    parser.add_argument(
        "--token-max-uses", type=int, help="requests a token serves before it expires"
    )


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    return EmulatorConfig(
        state=args.state,
        admin_password=args.admin_password,
        secret_key=args.secret_key,
        spec=args.spec,
        allowed_email_domains=args.allowed_email_domains,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        fault_kind=args.fault_kind,
        rate_limit=args.rate_limit,
        token_validity=args.token_validity,
        token_max_uses=args.token_max_uses,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if args.spec is not None and not args.spec.is_file():
        parser.error(f"--spec {args.spec}: file not found; pass the path of the OpenAPI JSON file")
    try:
        app = EmulatorApp(config_from_args(args))
    except KnobError as error:
        flag = "--" + (error.key or "").replace("_", "-")
        parser.error(f"{flag}: {error}")
    except sqlite3.Error as error:
        parser.error(f"--state {args.state}: cannot open the SQLite database: {error}")
    try:
        server = make_emulator_server(app, args.host, args.port)
    except (OSError, SystemExit):
        # werkzeug prints why binding failed, then raises SystemExit.
        app.close()
        parser.error(f"--host {args.host} --port {args.port}: cannot listen; see the reason above")
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{server.server_port}"

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("received signal %d, stopping", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("tsemulator started on %s with state %s", url, args.state)
    print(f"tsemulator listening on {url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()
        log.info("tsemulator on %s stopped", url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
