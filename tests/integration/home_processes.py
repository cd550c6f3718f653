"""Which processes a stack test left behind: those whose environment names its O2C_HOME."""

from __future__ import annotations

from pathlib import Path


def processes_with_home(home: Path) -> list[str]:
    """`pid: command line` of every process whose environment has O2C_HOME=home."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"O2C_HOME={home}".encode() in environ:
            found.append(f"{proc.name}: {cmdline}")
    return found
