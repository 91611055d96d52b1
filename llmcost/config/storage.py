"""[storage]: how `llmcost ingest s3://...` reaches object storage.

Unset keys leave the AWS way in charge: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
AWS_REGION, AWS_ENDPOINT_URL and ~/.aws/config, read by botocore. A key set here wins over them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StorageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint_url: str | None = Field(None, description="an S3-compatible endpoint (MinIO, R2, ...)")
    region: str | None = None
    profile: str | None = Field(None, description="a profile in ~/.aws/config")
    anonymous: bool = Field(False, description="unsigned requests, for public buckets")
    max_attempts: int = Field(5, ge=1, le=20, description="tries per request (5xx, throttling, timeouts)")
    connect_timeout: float = Field(10, gt=0, le=600)
    read_timeout: float = Field(60, gt=0, le=3600)
