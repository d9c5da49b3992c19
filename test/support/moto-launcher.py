"""Start moto_server with nine fixes that real AWS behaviour needs and moto 5.2 lacks.

Used by the smoke tests and by `drp drill`; arguments are moto_server's (`-H 127.0.0.1 -p PORT`).

1. Object Lock on a bucket that already holds objects. moto refuses
   PutObjectLockConfiguration with BucketNeedsToBeNew when the bucket has objects, but real S3
   has allowed enabling Object Lock on existing versioned buckets since 2023, and a leaked bucket
   always has objects: without this patch the containment scenario cannot run at all.

2. Bucket-policy conditions. moto evaluates a bucket policy's Deny statements but ignores their
   Condition blocks, so drp's Deny that exempts the responder through aws:PrincipalArn would lock
   the responder out of the emulator. In the tests every request comes from the responder, so
   statements with a condition are skipped: exactly what AWS does for the exempt principal.

3. EncodingType=url on ListObjectVersions. XML cannot carry every character a key can hold (a
   carriage return comes back as a line feed, and the key is then another key), so drp asks S3 to
   URL-encode keys in listings, as S3 does when asked; moto ignores the parameter. Here the keys
   and key markers of that listing are encoded, and EncodingType is returned, as S3 does.

4. CopyObject into an Object-Locked bucket. moto demands a Content-MD5 or body checksum on every
   PUT into a bucket with Object Lock, copies included; S3 asks it only of uploads (a copy has no
   body). Evidence copies into the locked evidence bucket would fail, so a copy goes straight to
   moto's copy handler, still refusing lock headers on a bucket without Object Lock.

5. ListDistributions' summaries. CloudFront's DistributionSummary carries each distribution's
   Origins and Enabled; moto leaves them out of the list (GetDistribution has them), so no
   distribution would ever be found in front of the leaked bucket. Here the summary takes them
   from the distribution's configuration, as CloudFront does.

6. A copy's source is read as the requester, across accounts too. moto copies from any account's
   bucket; S3 reads the source with the requester's own permissions, and a principal of another
   account may read it only when the source bucket's policy allows that account (or principal).
   Without it, a copy into the forensics account's evidence bucket from the log archive's bucket
   would succeed on the emulator and fail on AWS. An unconditional Allow naming the requester's
   account (its root, an ARN in it, or its id) or "*" is what lets it through here.

7. A Lambda function's VpcId. moto answers GetFunctionConfiguration with VpcId "vpc-123abc" for
   every function in a VPC; AWS gives the VPC of the function's subnets, where drp's isolation
   security group must be created. Here it is looked up from the first subnet, as AWS does.

8. The layout of a DynamoDB table export. moto writes one data file under a random id and no
   manifest, with an export ARN that is not AWS's (table/<table ARN>/import/<id>). AWS writes
   <prefix>/AWSDynamoDB/<export-id>/ with data/, manifest-summary.json, manifest-files.json (and
   their .checksum files) and _started, names the export table/<name>/export/<export-id>, and
   gives the summary's key as ExportManifest: drp holds and hashes exactly those files.

9. IAM actions moto does not implement (service-specific credentials). moto answers them with an
   HTML page and HTTP 500, which the SDK retries as a server fault for many seconds; AWS answers
   an action an endpoint does not know with the query protocol's InvalidAction error (HTTP 400),
   which drp reads as "this endpoint has no such operation" and notes. They get that answer here.

Only with DRP_MOTO_REQUEST_LOGS=off (`drp drill` sets it): server access logs. moto writes one
log object into the target bucket for every request to a logging bucket, at once and named in
local time; S3 delivers them in batches, hours later. The drill seeds the log files a leaked
bucket would already hold instead, so its log bucket does not grow by one object per request
of the very run that preserves it.
"""

import html
import json
import os
import re
import sys
from urllib.parse import quote

from moto.cloudfront import models as cloudfront_models
from moto.iam import responses as iam_responses
from moto.iam.exceptions import IAMException
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import AccessDeniedByLock, InvalidBucketState, LockNotEnabled


def put_object_lock_configuration(self, bucket_name, lock_enabled, mode=None, days=None, years=None):
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    # moto's BucketNeedsToBeNew check on existing objects is the one line left out here.
    if lock_enabled:
        bucket.object_lock_enabled = True
        bucket.versioning_status = "Enabled"
    bucket.default_lock_mode = mode
    bucket.default_lock_days = days
    bucket.default_lock_years = years


def get_permission(self, action, resource):
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    document["Statement"] = [s for s in statements if "Condition" not in s]
    return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)


_list_object_versions = s3_responses.S3Response.list_object_versions
_ENCODED = re.compile(r"<(Key|KeyMarker|NextKeyMarker)>(.*?)</\1>", re.S)


def list_object_versions(self):
    status, headers, body = _list_object_versions(self)
    if self.querystring.get("encoding-type", [None])[0] != "url":
        return status, headers, body
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    text = _ENCODED.sub(lambda m: f"<{m[1]}>{quote(html.unescape(m[2]), safe='/')}</{m[1]}>", text)
    text = text.replace("</Name>", "</Name><EncodingType>url</EncodingType>", 1)
    return status, headers, text


def _policy_allows_account(bucket, account):
    if bucket.policy is None:
        return False
    statements = json.loads(bucket.policy.decode()).get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow" or "Condition" in statement:
            continue
        principal = statement.get("Principal")
        names = principal.get("AWS", []) if isinstance(principal, dict) else principal
        for name in names if isinstance(names, list) else [names]:
            if name == "*" or name == account or f":{account}:" in str(name):
                return True
    return False


def refuse_cross_account_copy(response):
    source = response.headers.get("x-amz-copy-source")
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    from urllib.parse import unquote, urlparse

    bucket_name = unquote(urlparse(source).path).lstrip("/").split("/", 1)[0]
    bucket = response.backend.get_bucket(bucket_name)
    account = response.current_account
    if bucket.account_id != account and not _policy_allows_account(bucket, account):
        raise AccessDeniedByLock


def copy_without_body_checksum(original):
    def _key_response_put(self, query, key_name):
        is_copy = "x-amz-copy-source" in self.headers and not query.get("uploadId")
        if is_copy and not any(q in query for q in ("retention", "legal-hold", "acl", "tagging")):
            refuse_cross_account_copy(self)
        if not is_copy or any(q in query for q in ("retention", "legal-hold", "acl", "tagging")):
            return original(self, query, key_name)
        self._set_action("KEY", "PUT", query)
        self._authenticate_and_authorize_s3_action(bucket_name=self.bucket_name, key_name=key_name)
        locking = self.headers.get("x-amz-object-lock-mode") or self.headers.get(
            "x-amz-object-lock-retain-until-date"
        ) or self.headers.get("x-amz-object-lock-legal-hold") == "ON"
        if locking and not self.backend.get_bucket(self.bucket_name).object_lock_enabled:
            raise LockNotEnabled
        return self.copy_object()

    return _key_response_put


def function_vpc_config(original):
    def vpc_config(self):
        config = original.fget(self)
        if config and config.get("SubnetIds"):
            from moto.ec2.models import ec2_backends

            try:
                subnet = ec2_backends[self.account_id][self.region].get_subnet(config["SubnetIds"][0])
                config["VpcId"] = subnet.vpc_id
            except Exception:  # a subnet the emulator does not have: keep moto's answer
                pass
        return config

    return property(vpc_config)


def export_with_aws_layout(table_export_class):
    import hashlib
    from uuid import uuid4

    from moto.core.utils import gzip_compress
    from moto.dynamodb.models.utilities import dynamo_json_dump

    original_init = table_export_class.__init__
    original_response = table_export_class.response

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.export_id = f"{int(__import__('time').time() * 1000):014d}-{uuid4().hex[:8]}"
        self.arn = f"{self.table.table_arn}/export/{self.export_id}"
        self.manifest = None

    def _backup_to_s3_file(self, s3_backend):
        lines = ""
        for item in self.table.all_items():
            json_item = item.to_json(root_attr_name="Item")
            lines += dynamo_json_dump(json_item) + "\n"
            self.processed_bytes += len(json_item)
            self.item_count += 1
        data = gzip_compress(lines.encode("utf-8"))
        folder = f"{self.s3_prefix}/AWSDynamoDB/{self.export_id}/"
        data_key = f"{folder}data/{uuid4().hex}.json.gz"
        put = lambda key, body: s3_backend.put_object(bucket_name=self.s3_bucket, key_name=key, value=body)
        put(f"{folder}_started", b"")
        put(data_key, data)
        files = json.dumps(
            {
                "itemCount": self.item_count,
                "md5Checksum": hashlib.md5(data).hexdigest(),
                "etag": hashlib.md5(data).hexdigest(),
                "dataFileS3Key": data_key,
            }
        ) + "\n"
        summary = json.dumps(
            {
                "version": "2020-06-30",
                "exportArn": self.arn,
                "tableArn": self.table.table_arn,
                "s3Bucket": self.s3_bucket,
                "s3Prefix": self.s3_prefix,
                "s3SseAlgorithm": "AES256",
                "manifestFilesS3Key": f"{folder}manifest-files.json",
                "billedSizeBytes": self.processed_bytes,
                "itemCount": self.item_count,
                "outputFormat": "DYNAMODB_JSON",
                "exportType": "FULL_EXPORT",
            }
        )
        for name, body in (("manifest-files", files), ("manifest-summary", summary)):
            put(f"{folder}{name}.json", body.encode())
            put(f"{folder}{name}.checksum", hashlib.md5(body.encode()).hexdigest().encode())
        self.manifest = f"{folder}manifest-summary.json"
        self.status = "COMPLETED" if self.error_count == 0 else "FAILED"

    def response(self):
        out = original_response(self)
        if self.manifest:
            out["ExportManifest"] = self.manifest
        return out

    table_export_class.__init__ = __init__
    table_export_class._backup_to_s3_file = _backup_to_s3_file
    table_export_class.response = response


from moto.awslambda import models as lambda_models
from moto.dynamodb.models import table_export as dynamodb_exports

lambda_models.LambdaFunction.vpc_config = function_vpc_config(lambda_models.LambdaFunction.vpc_config)
export_with_aws_layout(dynamodb_exports.TableExport)
class InvalidAction(IAMException):
    code = "InvalidAction"


def unknown_iam_action(name):
    def respond(self):
        raise InvalidAction(f"The action {name} is not valid for this web service.")

    return respond


for _action in ("ListServiceSpecificCredentials", "UpdateServiceSpecificCredential"):
    _method = re.sub(r"(?<!^)(?=[A-Z])", "_", _action).lower()
    if not hasattr(iam_responses.IamResponse, _method):
        setattr(iam_responses.IamResponse, _method, unknown_iam_action(_action))

s3_models.S3Backend.put_object_lock_configuration = put_object_lock_configuration
s3_responses.S3Response.list_object_versions = list_object_versions
s3_models.FakeBucket.get_permission = get_permission
s3_responses.S3Response._key_response_put = copy_without_body_checksum(
    s3_responses.S3Response._key_response_put
)
cloudfront_models.Distribution.origins = property(lambda self: self.distribution_config.Origins)
cloudfront_models.Distribution.enabled = property(lambda self: self.distribution_config.Enabled)
if os.environ.get("DRP_MOTO_REQUEST_LOGS") == "off":
    s3_models.S3Backend.log_incoming_request = lambda self, request, bucket_name: None

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
