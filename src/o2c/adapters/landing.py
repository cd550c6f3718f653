"""The landing zone where ERP extracts and bank files arrive: a local folder or S3 (boto3).

Keys are '/'-separated paths relative to the zone's root, e.g. `erp/invoices/inv_2026-03-01.csv`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from o2c.settings import Settings


@dataclass(frozen=True)
class LandedFile:
    key: str
    size: int
    version: str  # changes whenever the content may have changed (S3 ETag, local mtime+size)


class LandingZone(Protocol):
    url: str

    def list(self, prefix: str) -> Iterator[LandedFile]: ...
    def read(self, key: str) -> bytes: ...
    def write(self, key: str, data: bytes) -> None: ...


class LocalLanding:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def list(self, prefix: str) -> Iterator[LandedFile]:
        base = self.root / prefix
        if not base.exists():
            return
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            stat = path.stat()
            key = path.relative_to(self.root).as_posix()
            yield LandedFile(key, stat.st_size, f"{stat.st_mtime_ns}-{stat.st_size}")

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def write(self, key: str, data: bytes) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # readers never see half a file


class S3Landing:
    def __init__(self, bucket: str, prefix: str, client) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self.url = f"s3://{bucket}/{self.prefix}"

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(self, prefix: str) -> Iterator[LandedFile]:
        paginator = self.client.get_paginator("list_objects_v2")
        strip = len(self.prefix) + 1 if self.prefix else 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._full(prefix)):
            for obj in sorted(page.get("Contents", []), key=lambda o: o["Key"]):
                if obj["Key"].endswith("/"):
                    continue
                yield LandedFile(obj["Key"][strip:], obj["Size"], obj["ETag"].strip('"'))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._full(key))["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._full(key), Body=data)


def open_landing(settings: Settings) -> LandingZone:
    """The landing zone named by O2C_LANDING_URL: `s3://bucket/prefix` or a folder."""
    url = settings.landing_url
    if url.startswith("s3://"):
        from o2c.adapters.aws import s3_client

        parsed = urlparse(url)
        return S3Landing(parsed.netloc, parsed.path, s3_client(settings))
    return LocalLanding(Path(url))
