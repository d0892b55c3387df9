"""The AWS provider: Lambda (and, next, Step Functions and EventBridge), and the s3 state
backend. boto3 is imported only when a configuration uses them (`pip install 'fnplan[aws]'`)."""

from .provider import AwsProvider

__all__ = ["AwsProvider"]
