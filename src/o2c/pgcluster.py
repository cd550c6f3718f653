"""A throwaway PostgreSQL cluster in a temporary folder, for the production-stack test.

PostgreSQL's `initdb` and `postgres` refuse to run as root, so as root they run as an
unprivileged user (Debian's `postgres`, else `nobody`). The server listens on 127.0.0.1 only;
its Unix socket sits in a private folder with `trust` for the admin role, while TCP logins
need a password (scram-sha-256).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from o2c.localserver import Started

ADMIN_ROLE = "o2c_admin"
_DEBIAN_BINARIES = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class Cluster:
    root: Path  # temporary folder holding data/, socket/ and postgres.log
    port: int
    user: str  # the OS user the server runs as

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def admin_conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string for the admin role over the private socket."""
        return f"host={self.socket_dir} port={self.port} user={ADMIN_ROLE} dbname={dbname}"


def server_binary(name: str) -> Path:
    """`initdb` / `postgres`: the newest Debian install, else the one on PATH."""
    versions = sorted(_DEBIAN_BINARIES.glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if versions:
        return versions[-1]
    found = shutil.which(name)
    if found:
        return Path(found)
    raise RuntimeError(f"PostgreSQL server binary `{name}` not found (looked in "
                       f"{_DEBIAN_BINARIES}/*/bin and PATH): install Debian's `postgresql` "
                       "package, e.g. with `make system`")


def server_user() -> str:
    """Who runs PostgreSQL: ourselves, or an unprivileged account when we are root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root, but neither a `postgres` nor a `nobody` account "
                       "exists to run PostgreSQL as")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create(user: str | None = None) -> Cluster:
    """A fresh, initialised (not yet running) cluster owned by `user`."""
    user = user or server_user()
    account = pwd.getpwnam(user)
    root = Path(tempfile.mkdtemp(prefix="o2c-pg-"))  # mode 0700: private to its owner
    cluster = Cluster(root=root, port=free_port(), user=user)
    cluster.socket_dir.mkdir(mode=0o700)
    for path in (root, cluster.socket_dir):
        os.chown(path, account.pw_uid, account.pw_gid)
    _run_as(cluster, [str(server_binary("initdb")), "-D", str(cluster.data_dir),
                      "-U", ADMIN_ROLE, "--auth-local=trust", "--auth-host=scram-sha-256",
                      "-E", "UTF8", "--no-locale"])
    return cluster


def start(cluster: Cluster, env: dict[str, str], timeout: float = 60) -> Started:
    """Start the server in its own process group; return once it accepts connections."""
    log = cluster.log_path.open("ab")
    proc = subprocess.Popen(
        [str(server_binary("postgres")), "-D", str(cluster.data_dir), "-p", str(cluster.port),
         "-k", str(cluster.socket_dir), "-c", "listen_addresses=127.0.0.1"],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True,
        **_as_user(cluster, env))
    log.close()
    postmaster = Started.of("postgres", proc.pid)
    _wait_until_ready(cluster, postmaster, timeout)
    return postmaster


def create_database(cluster: Cluster, name: str, owner: str, password: str) -> None:
    """A login role with a password and a database it owns (Prefect creates its extensions)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(cluster.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(owner), sql.Literal(password)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(owner)))


def stop(cluster: Cluster, postmaster: Started | None, timeout: float = 30) -> None:
    """Fast shutdown (SIGINT) of the server we started, SIGKILL if it hangs; remove its folder."""
    if postmaster is not None and postmaster.alive():
        _signal(postmaster.pid, signal.SIGINT)  # the postmaster stops its children, then itself
        if not _wait_gone(postmaster, timeout):
            # each child runs in its own session, so a process-group kill would miss them
            for pid in [*_children(postmaster.pid), postmaster.pid]:
                _signal(pid, signal.SIGKILL)
            _wait_gone(postmaster, timeout)
    shutil.rmtree(cluster.root, ignore_errors=True)


def _as_user(cluster: Cluster, env: dict[str, str]) -> dict:
    """Popen arguments that drop root to the cluster's user (no supplementary groups)."""
    account = pwd.getpwnam(cluster.user)
    kwargs: dict = {"cwd": cluster.root, "env": {**env, "HOME": str(cluster.root)}}
    if os.geteuid() == 0:
        kwargs.update(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
    return kwargs


def _run_as(cluster: Cluster, args: list[str]) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    result = subprocess.run(args, capture_output=True, text=True, check=False,
                            **_as_user(cluster, env))
    if result.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed (exit {result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")


def _wait_until_ready(cluster: Cluster, postmaster: Started, timeout: float) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not postmaster.alive():
            raise RuntimeError(f"PostgreSQL exited at start:\n{_tail(cluster.log_path)}")
        try:
            psycopg.connect(cluster.admin_conninfo(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.3)
    raise RuntimeError(f"PostgreSQL did not accept connections within {timeout:.0f}s:\n"
                       f"{_tail(cluster.log_path)}")


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        if parent == str(pid):
            found.append(int(stat.parent.name))
    return found


def _wait_gone(postmaster: Started, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not postmaster.alive():
            return True
        time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"
