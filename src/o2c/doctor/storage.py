"""Doctor checks of where data lives: the landing zone, the warehouse file, the dbt project."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from o2c.doctor import Finding
from o2c.settings import Settings


def landing(settings: Settings) -> Iterator[Finding]:
    url = settings.landing_url
    if url.startswith("s3://"):
        yield _s3_landing(settings, url)
        return
    root = Path(url)
    if not root.is_dir():
        yield Finding("MISSING", "landing", f"folder {root} does not exist: create it, or set "
                      "O2C_LANDING_URL to the folder or s3://bucket/prefix the ERP delivers to")
    elif not os.access(root, os.W_OK):
        yield Finding("WRONG", "landing", f"folder {root} is not writable by this user (posting "
                      "files go to out/ in it): fix its permissions")
    else:
        yield Finding("OK", "landing", f"folder {root} readable and writable")


def _s3_landing(settings: Settings, url: str) -> Finding:
    """Lists the zone's prefix, the one bucket-level call o2c makes. (Not HeadBucket: it needs
    s3:ListBucket on the whole bucket, which the least-privilege policy does not grant.)"""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from o2c.adapters.aws import s3_client

    parsed = urlparse(url)
    bucket, prefix = parsed.netloc, parsed.path.strip("/")
    creds = (f"AwsCredentials block {settings.aws_credentials_block}"
             if settings.aws_credentials_block else "the boto3 credential chain")
    try:
        found = s3_client(settings).list_objects_v2(
            Bucket=bucket, Prefix=f"{prefix}/" if prefix else "", MaxKeys=1)
    except NoCredentialsError:
        return Finding("MISSING", "landing", f"{url}: no AWS credentials found: set "
                       "O2C_AWS_CREDENTIALS_BLOCK to a prefect-aws AwsCredentials block, or "
                       "AWS_PROFILE / a role for boto3")
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "?")
        if code == "NoSuchBucket":
            return Finding("MISSING", "landing", f"{url}: bucket {bucket} does not exist "
                           f"(region {settings.aws_region}): create it or fix O2C_LANDING_URL")
        return Finding("WRONG", "landing", f"{url}: S3 answered {code} to ListObjectsV2 with "
                       f"{creds}: grant infra/iam/landing-bucket-policy.json to those "
                       "credentials, or fix them")
    except BotoCoreError as err:
        return Finding("WRONG", "landing", f"{url}: {type(err).__name__}: {err} (endpoint "
                       f"{settings.s3_endpoint_url or 'AWS'}): check O2C_S3_ENDPOINT_URL")
    return Finding("OK", "landing", f"{url}: bucket reachable with {creds}, prefix listable "
                   f"({'not ' if not found.get('KeyCount') else ''}empty)")


def warehouse(settings: Settings) -> Iterator[Finding]:
    """Writable without opening it: a running flow may hold DuckDB's single-writer lock."""
    path = settings.warehouse_path
    folder = path.parent
    if not folder.is_dir():
        yield Finding("MISSING", "warehouse", f"folder {folder} does not exist: create it, or "
                      "set O2C_DUCKDB_PATH / O2C_HOME")
    elif path.exists() and not os.access(path, os.W_OK):
        yield Finding("WRONG", "warehouse", f"{path} is not writable by this user: fix its "
                      "permissions (flows write it)")
    elif not path.exists() and not os.access(folder, os.W_OK):
        yield Finding("WRONG", "warehouse", f"{folder} is not writable: the first run cannot "
                      "create the warehouse there")
    elif path.exists():
        yield Finding("OK", "warehouse", f"{path} writable ({path.stat().st_size >> 20} MB)")
    else:
        yield Finding("OK", "warehouse", f"{path} will be created by the first run")


def dbt_project(settings: Settings) -> Iterator[Finding]:
    """`dbt parse` of the project with its profile, into o2c's own state folder (no
    warehouse connection, nothing written next to the project; partial parsing keeps a
    second run quick)."""
    project = settings.dbt_project_dir
    if not (project / "dbt_project.yml").is_file():
        yield Finding("MISSING", "dbt", f"no dbt_project.yml in {project}: set "
                      "O2C_DBT_PROJECT_DIR")
        return
    dbt = str(Path(sys.executable).with_name("dbt"))
    scratch = settings.run_dir / "doctor-dbt"
    scratch.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [dbt, "parse", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(scratch), "--log-path", str(scratch)],
        env={**os.environ, "O2C_DUCKDB_PATH": str(settings.warehouse_path)},
        capture_output=True, text=True, timeout=600, check=False)
    if result.returncode == 0:
        yield Finding("OK", "dbt", f"project {project} parses with its profile")
        return
    errors = [line for line in result.stdout.splitlines() if "rror" in line] or \
        result.stdout.splitlines()[-3:]
    yield Finding("WRONG", "dbt", f"`dbt parse` failed in {project}: "
                  + " | ".join(e.strip() for e in errors[-3:]))
