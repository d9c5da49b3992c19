"""Start moto_server with five fixes that real AWS behaviour needs and moto 5.2 lacks.

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

5. IAM actions moto does not implement (service-specific credentials). moto answers them with an
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

from moto.iam import responses as iam_responses
from moto.iam.exceptions import IAMException
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import InvalidBucketState, LockNotEnabled


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


def copy_without_body_checksum(original):
    def _key_response_put(self, query, key_name):
        is_copy = "x-amz-copy-source" in self.headers and not query.get("uploadId")
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
if os.environ.get("DRP_MOTO_REQUEST_LOGS") == "off":
    s3_models.S3Backend.log_incoming_request = lambda self, request, bucket_name: None

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
