"""The boto3 S3 client for the landing bucket: credentials from a prefect-aws AwsCredentials
block when `O2C_AWS_CREDENTIALS_BLOCK` names one, else boto3's own chain (environment,
profile, instance or pod role)."""

from __future__ import annotations

from o2c.settings import Settings


def s3_client(settings: Settings):
    import boto3  # only needed when the zone is on S3

    session = boto3.Session()
    if settings.aws_credentials_block:
        from prefect_aws import AwsCredentials

        session = AwsCredentials.load(settings.aws_credentials_block,
                                      _sync=True).get_boto3_session()
    return session.client("s3", endpoint_url=settings.s3_endpoint_url,
                          region_name=settings.aws_region)
