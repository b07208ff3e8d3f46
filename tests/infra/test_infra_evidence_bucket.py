"""The evidence bucket in the merge template (docs/evidence.md, docs/deploy.md): private, encrypted, TLS only, its
lifecycle rules, named to the API, and the API's grants on it only what the code calls."""

import json

from infra import evidence_bucket, template
from infra.policies import dynamodb_grants, policy_document


def _resources():
    return template.merge_template()["Resources"]


def test_the_bucket_is_private_encrypted_tls_only_with_its_lifecycle():
    bucket = _resources()["EvidenceBucket"]
    assert bucket["Type"] == "AWS::S3::Bucket" and bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    [encryption] = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    rules = {rule["Id"]: rule for rule in properties["LifecycleConfiguration"]["Rules"]}
    assert rules["DeleteUnattachedUploads"]["TagFilters"] == [{"Key": "evidence-state", "Value": "uploaded"}]
    assert rules["DeleteUnattachedUploads"]["ExpirationInDays"] == 1
    assert rules["KeepEvidence"]["ExpirationInDays"] == 400
    assert {rule["Prefix"] for rule in rules.values()} == {"evidence/"}
    assert {rule["Status"] for rule in rules.values()} == {"Enabled"}
    # The Seller Center page posts from the API's origin and reads the answer: the local bucket's rules, in
    # CloudFormation's spelling.
    assert properties["CorsConfiguration"] == {"CorsRules": [
        {"AllowedMethods": ["POST", "GET"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"], "MaxAge": 3000}]}

    [statement] = _resources()["EvidenceBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "s3:*")
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [{"Fn::GetAtt": ["EvidenceBucket", "Arn"]},
                                     {"Fn::Sub": "${EvidenceBucket.Arn}/*"}]


def test_only_the_api_is_told_the_bucket():
    assert template.api_environment()["EVIDENCE_BUCKET"] == {"Ref": evidence_bucket.BUCKET}
    assert "EVIDENCE_BUCKET" not in template.merge_template()["Globals"]["Function"]["Environment"]["Variables"]


def test_the_api_may_upload_read_and_tag_evidence_objects_and_nothing_else_on_s3():
    for stage in ("dev", "prod"):
        s3 = {grant for grant in dynamodb_grants(stage, "api_handler") if grant.action.startswith("s3:")}
        assert s3 == {("s3:PutObject", "EVIDENCE_BUCKET", "evidence/*"), ("s3:GetObject", "EVIDENCE_BUCKET",
                      "evidence/*"), ("s3:PutObjectTagging", "EVIDENCE_BUCKET", "evidence/*")}
        for function in ("jwt_authorizer", "expire_cancellation_requests", "publish_events",
                         "fan_out_webhook_events", "deliver_webhooks"):
            assert "s3:" not in json.dumps(policy_document(stage, function))
        text = json.dumps(policy_document(stage, "api_handler"))
        for refused in ("s3:ListBucket", "s3:DeleteObject", "s3:PutObjectAcl", "s3:*"):
            assert refused not in text
