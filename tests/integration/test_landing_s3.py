"""The S3 landing zone through boto3 against moto's server on 127.0.0.1 (the real S3 API)."""

import socket
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from o2c.adapters import warehouse
from o2c.adapters.landing import S3Landing, open_landing
from o2c.ingest.erp import load_file, pending
from o2c.settings import Settings

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(o2c_home, s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("O2C_S3_ENDPOINT_URL", s3_endpoint)
    bucket = f"acme-landing-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("O2C_LANDING_URL", f"s3://{bucket}/prod/o2c")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket)
    return Settings()


CUSTOMERS = (
    "customer_id,entity_id,name,legal_name,country,currency,locale,payment_terms_days,"
    "credit_limit,crm_id,account_owner_email,csm_email,collector_email,parent_customer_id,"
    "payer_accounts,created_date\n"
    "C1,E1,Acme,Acme GmbH,DE,EUR,de_DE,30,50000.00,,,,,,,2024-01-01\n"
    "C2,E1,Brix,Brix BV,NL,EUR,nl_NL,45,-1,,,,,,,2024-01-01\n"
)


def test_files_under_the_prefix_are_listed_read_and_loaded_once(s3_settings):
    landing = open_landing(s3_settings)
    assert isinstance(landing, S3Landing)
    landing.write("erp/customers/customers_2026-03-01.csv", CUSTOMERS.encode())
    raw = boto3.client("s3", endpoint_url=s3_settings.s3_endpoint_url, region_name="us-east-1")
    keys = [o["Key"] for o in raw.list_objects_v2(Bucket=landing.bucket)["Contents"]]
    assert keys == ["prod/o2c/erp/customers/customers_2026-03-01.csv"]

    with warehouse.writer(s3_settings) as con:
        [landed] = pending(con, list(landing.list("erp/")))
        assert landed.key == "erp/customers/customers_2026-03-01.csv"
        outcome = load_file(con, landed, landing.read(landed.key))
        assert (outcome.rows_loaded, outcome.rows_quarantined) == (1, 1)
        assert pending(con, list(landing.list("erp/"))) == []
        assert con.execute("select reason from raw.quarantine").fetchall() == [
            ("credit_limit: greater_or_equal(0)",)]


def test_listing_pages_past_a_thousand_keys(s3_settings):
    landing = open_landing(s3_settings)
    for n in range(1001):
        landing.write(f"bank/f{n:04d}.txt", b"x")
    assert len(list(landing.list("bank/"))) == 1001
