"""A throwaway Samba AD domain controller on 127.0.0.1, for tests, the demo and the benchmark.

``SambaDC`` provisions a new domain into a folder with ``samba-tool domain
provision``, runs ``samba -i -M single`` in the foreground as a child
process, waits until an LDAPS bind succeeds and stops the process by its id.
Only the LDAP service runs (``server services = ldap``), bound to
127.0.0.1, with every state, lock, pid and socket folder inside the
working folder, so nothing is written to /var or /run.

Samba needs root and binds the fixed AD ports (389, 636, 3268, 3269), so
only one controller can run on a machine at a time.

Samba's self-signed certificate names the host ``NETBIOS.realm``, which a
client connecting to 127.0.0.1 cannot verify. So the controller creates its
own CA and a server certificate for ``127.0.0.1`` and ``localhost`` with
the openssl command, and clients trust ``ca_file`` explicitly.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import ldap

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
LDAP_PORT = 389
LDAPS_PORT = 636
GLOBAL_CATALOG_PORTS = (3268, 3269)

DEFAULT_REALM = "CORP.EXAMPLE.TEST"
DEFAULT_NETBIOS_DOMAIN = "CORP"
# Meets Samba's default password complexity rules (three character classes, 7+ characters).
DEFAULT_ADMIN_PASSWORD = "Adm1n-Passw0rd"

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def _network_namespace() -> str:
    """Return the id of this process's network namespace, "" when Linux does not tell."""
    try:
        return os.readlink("/proc/self/ns/net").strip("net:[]")
    except OSError:
        return ""


# Ports are per network namespace, so sessions run under `unshare --net` do
# not wait for each other.
LOCK_FILE = Path(tempfile.gettempdir()) / f"ldap2ts-samba-{_network_namespace()}.lock"
LOCK_TIMEOUT = 600.0
"""Seconds to wait for another test session's Samba to stop before failing."""


class SambaError(RuntimeError):
    """Samba could not be provisioned, started or reached."""


def realm_to_base_dn(realm: str) -> str:
    return ",".join(f"DC={part}" for part in realm.lower().split("."))


class SambaDC:
    """One Samba AD domain controller in ``workdir`` (a new temporary folder by default).

    Use as a context manager, or call ``provision()``, ``start()`` and
    ``stop()``. ``connect()`` returns an LDAPS connection bound as the
    domain Administrator.
    """

    def __init__(
        self,
        workdir: str | os.PathLike[str] | None = None,
        *,
        realm: str = DEFAULT_REALM,
        netbios_domain: str = DEFAULT_NETBIOS_DOMAIN,
        admin_password: str = DEFAULT_ADMIN_PASSWORD,
    ) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="ldap2ts-samba-"))
        self.realm = realm.upper()
        self.netbios_domain = netbios_domain.upper()
        self.admin_password = admin_password
        self.base_dn = realm_to_base_dn(self.realm)
        self.dns_domain = self.realm.lower()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[bytes] | None = None

    # --- Where clients connect --------------------------------------------

    @property
    def target_dir(self) -> Path:
        """Folder passed to ``samba-tool domain provision --targetdir``."""
        return self.workdir / "dc"

    @property
    def smb_conf(self) -> Path:
        return self.smb_conf_in(self.workdir)

    @property
    def ca_file(self) -> Path:
        """PEM file of the CA that signed the server certificate; clients must trust it."""
        return self.workdir / "tls" / "ca.pem"

    @property
    def log_file(self) -> Path:
        return self.workdir / "samba.log"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://{HOST}:{LDAPS_PORT}"

    @property
    def ldap_url(self) -> str:
        """Plain LDAP URL: Samba rejects simple binds on it unless StartTLS comes first."""
        return f"ldap://{HOST}:{LDAP_PORT}"

    @property
    def admin_dn(self) -> str:
        return f"CN=Administrator,CN=Users,{self.base_dn}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # --- Life cycle ---------------------------------------------------------

    def provision(self) -> None:
        """Create the domain database, the configuration and the TLS certificate."""
        if os.geteuid() != 0:
            raise SambaError("Samba AD needs root to run; run the tests as root")
        for tool in ("samba-tool", "samba", "openssl"):
            if shutil.which(tool) is None:
                raise SambaError(f"{tool} not found on PATH; install it with scripts/setup.sh")
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.target_dir.exists():
            shutil.rmtree(self.target_dir)

        self._make_certificate()
        self._run_samba_tool()
        self._finish_configuration()

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start samba in the foreground and wait until LDAPS accepts an Administrator bind."""
        if self.running:
            return
        if not self.smb_conf.exists():
            raise SambaError(f"{self.smb_conf} not found: call provision() first")
        self._acquire_machine_lock()
        try:
            self._launch(timeout)
        except BaseException:
            self.stop()
            raise

    def _launch(self, timeout: float) -> None:
        for port in (LDAP_PORT, LDAPS_PORT, *GLOBAL_CATALOG_PORTS):
            if _port_open(HOST, port):
                raise SambaError(
                    f"port {port} on {HOST} is already in use (another Samba or slapd?); "
                    "stop that process and run again"
                )

        log = self.log_file.open("ab")
        try:
            self._process = subprocess.Popen(
                ["samba", "-i", "-M", "single", "--debug-stdout", "-s", str(self.smb_conf)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        logger.info("started samba, pid %d, log %s", self._process.pid, self.log_file)
        self._wait_until_ready(timeout)

    def stop(self) -> None:
        """Stop samba by its process id: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds."""
        process = self._process
        self._process = None
        try:
            if process is not None and process.poll() is None:
                _terminate(process)
        finally:
            self._release_machine_lock()

    def _acquire_machine_lock(self) -> None:
        """Wait until no other controller on this machine is bound to the AD ports."""
        if self._lock is not None:
            return
        lock = LOCK_FILE.open("ab")
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    lock.close()
                    raise SambaError(
                        f"another Samba controller held {LOCK_FILE} for {LOCK_TIMEOUT:.0f} s; "
                        "wait for the other test run to finish"
                    ) from None
                time.sleep(0.5)
        self._lock = lock

    def _release_machine_lock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def cleanup(self) -> None:
        """Stop samba and remove the working folder when this object created it."""
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def copy_to(self, workdir: str | os.PathLike[str]) -> SambaDC:
        """Copy this stopped controller's files to a new folder and return a controller for them.

        Provisioning and loading thousands of users takes far longer than a
        copy, so tests that change the domain can start again from a copy of
        a populated template (see ``restore``).
        """
        copy = SambaDC(
            workdir,
            realm=self.realm,
            netbios_domain=self.netbios_domain,
            admin_password=self.admin_password,
        )
        copy.restore(self, start=False)
        return copy

    def restore(self, template: SambaDC, *, start: bool = True) -> None:
        """Stop, replace the files with a copy of a stopped template's, and start again."""
        if template.running:
            raise SambaError("stop the template controller before copying its files")
        self.stop()
        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        # Sockets, the message folder and the pid file belong to a running samba.
        runtime_files = shutil.ignore_patterns(
            "samba.log", "ldapi", "msg.sock", "msg.lock", "*.pid"
        )
        shutil.copytree(template.workdir, self.workdir, symlinks=True, ignore=runtime_files)
        # smb.conf is the only file that contains absolute paths.
        text = self.smb_conf.read_text()
        self.smb_conf.write_text(text.replace(str(template.workdir), str(self.workdir)))
        if start:
            self.start()

    def relocate(self, workdir: str | os.PathLike[str]) -> None:
        """Move the stopped controller's files to ``workdir``, which must not exist yet."""
        if self.running:
            raise SambaError("stop the controller before moving its files")
        destination = Path(workdir)
        os.rename(self.workdir, destination)
        text = self.smb_conf_in(destination).read_text()
        self.smb_conf_in(destination).write_text(text.replace(str(self.workdir), str(destination)))
        self.workdir = destination

    @staticmethod
    def smb_conf_in(workdir: Path) -> Path:
        return workdir / "dc" / "etc" / "smb.conf"

    def __enter__(self) -> SambaDC:
        self.provision()
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cleanup()

    # --- Clients ------------------------------------------------------------

    def connect(self, bind_dn: str | None = None, password: str | None = None) -> Any:
        """Return a python-ldap connection over LDAPS, bound as Administrator by default."""
        connection = ldap.initialize(self.ldaps_url)
        connection.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
        connection.set_option(ldap.OPT_REFERRALS, 0)
        connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
        connection.set_option(ldap.OPT_X_TLS_CACERTFILE, str(self.ca_file))
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        connection.simple_bind_s(bind_dn or self.admin_dn, password or self.admin_password)
        return connection

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    # --- Steps ----------------------------------------------------------------

    def _make_certificate(self) -> None:
        """Create a CA and a server certificate for 127.0.0.1 and localhost, valid 30 days."""
        tls = self.ca_file.parent
        tls.mkdir(parents=True, exist_ok=True)
        ca_key = tls / "ca.key"
        key = tls / "key.pem"
        request = tls / "server.csr"
        extensions = tls / "server.ext"
        extensions.write_text(
            "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
            "basicConstraints = CA:FALSE\n"
            "keyUsage = digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
        )
        _run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", "/CN=ldap2ts test CA", "-keyout", str(ca_key), "-out", str(self.ca_file),
             "-addext", "basicConstraints = critical, CA:TRUE",
             "-addext", "keyUsage = critical, keyCertSign, cRLSign"],
            "create the test CA",
        )  # fmt: skip
        _run(
            ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", str(key), "-out", str(request)],
            "create the server key",
        )  # fmt: skip
        _run(
            ["openssl", "x509", "-req", "-in", str(request), "-days", "30",
             "-CA", str(self.ca_file), "-CAkey", str(ca_key), "-CAcreateserial",
             "-extfile", str(extensions), "-out", str(tls / "cert.pem")],
            "sign the server certificate",
        )  # fmt: skip
        # Samba refuses a private key that other users can read.
        key.chmod(0o600)
        ca_key.chmod(0o600)

    def _run_samba_tool(self) -> None:
        options = {
            "interfaces": HOST,
            "bind interfaces only": "yes",
            "server services": "-dns -nbt -wrepl -dnsupdate -ntp_signd",
        }
        command = [
            "samba-tool", "domain", "provision", "-s", "/dev/null",
            f"--targetdir={self.target_dir}", f"--realm={self.realm}",
            f"--domain={self.netbios_domain}", "--server-role=dc", "--dns-backend=NONE",
            "--use-rfc2307", f"--adminpass={self.admin_password}",
        ]  # fmt: skip
        command += [f"--option={name} = {value}" for name, value in options.items()]
        started = time.monotonic()
        _run(command, "provision the Samba domain")
        logger.info("provisioned %s in %.1f s", self.realm, time.monotonic() - started)

    def _finish_configuration(self) -> None:
        """Rewrite smb.conf so that only LDAP runs and nothing is written outside workdir."""
        run_dir = self.target_dir / "run"
        run_dir.mkdir(exist_ok=True)
        tls = self.ca_file.parent
        overrides = {
            # Only the LDAP server: no SMB, RPC, Kerberos, CLDAP or winbind listeners.
            "server services": "ldap",
            "pid directory": str(run_dir),
            "ncalrpc dir": str(run_dir / "ncalrpc"),
            "winbindd socket directory": str(run_dir / "winbindd"),
            "ntp signd socket directory": str(run_dir / "ntp_signd"),
            "tls enabled": "yes",
            "tls keyfile": str(tls / "key.pem"),
            "tls certfile": str(tls / "cert.pem"),
            "tls cafile": str(self.ca_file),
        }
        lines = self.smb_conf.read_text().splitlines()
        kept: list[str] = []
        in_global = False
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("["):
                in_global = stripped.lower() == "[global]"
                kept.append(line)
                if in_global:
                    kept.extend(f"\t{name} = {value}" for name, value in overrides.items())
                continue
            name = stripped.split("=", 1)[0].strip().lower()
            if in_global and name in overrides:
                continue
            kept.append(line)
        self.smb_conf.write_text("\n".join(kept) + "\n")

    def _wait_until_ready(self, timeout: float) -> None:
        """Poll until an Administrator bind over LDAPS succeeds or samba exits."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise SambaError(
                    f"samba exited with status {self._process.returncode} while starting; "
                    f"last lines of {self.log_file}:\n{self.log_tail()}"
                )
            if _port_open(HOST, LDAPS_PORT):
                try:
                    self.connect().unbind_s()
                    return
                except ldap.LDAPError as error:
                    last_error = error
            try:
                self._process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        raise SambaError(
            f"samba did not accept a bind on {self.ldaps_url} within {timeout:.0f} s "
            f"(last error: {last_error}); last lines of {self.log_file}:\n{self.log_tail()}"
        )


def _run(command: list[str], purpose: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise SambaError(
            f"failed to {purpose} ({command[0]} exited {result.returncode}):\n" + "\n".join(output)
        )


def _terminate(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        logger.warning("samba pid %d ignored SIGTERM; killing it", process.pid)
        process.kill()
        process.wait()
    logger.info("stopped samba, pid %d", process.pid)


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to samba if the test process dies without stopping it."""
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


# --- A populated template shared by test sessions ---------------------------------

TEMPLATE_MAX_AGE = 24 * 3600.0
"""Seconds a cached template is used; well within the 30 days of its certificate."""


def cached_template(
    populate: Callable[[Any, str], None], *, key: str, cache_root: Path | None = None
) -> SambaDC:
    """Return a stopped controller provisioned and filled by ``populate(connection, base_dn)``.

    Provisioning and loading thousands of users takes half a minute, so the
    result is kept in ``cache_root`` (the temporary folder by default) under
    a name made of ``key``, which the caller derives from everything that
    shapes the content. Later sessions copy it (see ``restore``) instead of
    building it again. A template older than TEMPLATE_MAX_AGE is rebuilt.
    """
    root = cache_root or Path(tempfile.gettempdir())
    final = root / f"ldap2ts-samba-template-{key}"
    ready = final / "ready"
    if _is_fresh(ready):
        logger.info("using the cached Samba template %s", final)
        return SambaDC(final)

    build = Path(tempfile.mkdtemp(prefix="ldap2ts-samba-build-", dir=root))
    template = SambaDC(build / "template")
    try:
        started = time.monotonic()
        template.provision()
        template.start()
        connection = template.connect()
        try:
            populate(connection, template.base_dn)
        finally:
            connection.unbind_s()
        template.stop()
        logger.info("built the Samba template in %.1f s", time.monotonic() - started)
    except BaseException:
        template.stop()
        shutil.rmtree(build, ignore_errors=True)
        raise

    # Another session may have built the same template meanwhile: keep theirs.
    if final.exists() and not _is_fresh(ready):
        shutil.rmtree(final, ignore_errors=True)
    try:
        template.relocate(final)
    except OSError:
        shutil.rmtree(build, ignore_errors=True)
        return SambaDC(final)
    ready.touch()
    shutil.rmtree(build, ignore_errors=True)
    _remove_stale_templates(root)
    return template


def _remove_stale_templates(root: Path) -> None:
    """Remove templates of other keys that no session would use any more."""
    for folder in root.glob("ldap2ts-samba-template-*"):
        if not _is_fresh(folder / "ready"):
            shutil.rmtree(folder, ignore_errors=True)


def _is_fresh(ready: Path) -> bool:
    try:
        return time.time() - ready.stat().st_mtime < TEMPLATE_MAX_AGE
    except FileNotFoundError:
        return False
