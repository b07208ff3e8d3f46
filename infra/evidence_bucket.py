"""The evidence files' bucket (docs/evidence.md): private, encrypted, TLS only, with its lifecycle rules, merged into
infra/template.py's merge template. The API's grants on it are in .chalice/policy-*.json (`EvidenceObjects`)."""

from typing import Any

from chalicelib.domain import evidence
from chalicelib.store.evidence_objects import CORS_RULES

Json = dict[str, Any]

BUCKET = "EvidenceBucket"
BUCKET_POLICY = "EvidenceBucketPolicy"


def resources() -> Json:
    objects = {"Fn::Sub": "${" + BUCKET + ".Arn}/*"}
    return {
        BUCKET: {
            "Type": "AWS::S3::Bucket",
            # Evidence outlives a stack deleted by mistake: a seller's proof is not the stack's to drop.
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                   "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                # ACLs off: the bucket's owner owns every object, and access is the policies' alone.
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
                "LifecycleConfiguration": {"Rules": [
                    {"Id": "DeleteUnattachedUploads", "Status": "Enabled", "Prefix": evidence.KEY_PREFIX,
                     "TagFilters": [{"Key": evidence.STATE_TAG, "Value": evidence.UPLOADED}],
                     "ExpirationInDays": evidence.UNATTACHED_DAYS},
                    {"Id": "KeepEvidence", "Status": "Enabled", "Prefix": evidence.KEY_PREFIX,
                     "ExpirationInDays": evidence.RETENTION_DAYS,
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
                ]},
                # The Seller Center page posts each file straight to the bucket from the API's origin: the rules
                # the local bucket has too (evidence_objects.CORS_RULES), in CloudFormation's spelling.
                "CorsConfiguration": {"CorsRules": [cors_rule(rule) for rule in CORS_RULES]},
            },
        },
        BUCKET_POLICY: {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": BUCKET},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": [BUCKET, "Arn"]}, objects],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }]},
            },
        },
    }


def cors_rule(rule: Json) -> Json:
    """An S3 CORS rule as CloudFormation spells it (`MaxAge` for `MaxAgeSeconds`)."""
    return {("MaxAge" if key == "MaxAgeSeconds" else key): value for key, value in rule.items()}


def api_environment() -> Json:
    return {"EVIDENCE_BUCKET": {"Ref": BUCKET}}


def outputs() -> Json:
    return {"EvidenceBucketName": {"Description": "EVIDENCE_BUCKET of the API", "Value": {"Ref": BUCKET}}}
