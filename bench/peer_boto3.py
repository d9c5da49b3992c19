"""The peer: the boto3 script a team writes by hand, done well.

A ThreadPoolExecutor with the same concurrency as drp, one shared client (boto3 clients are
thread-safe) whose connection pool is raised to match (botocore's default of 10 would queue the
threads), and the main thread listing the next page while the workers hold the current one.
Prints one JSON line: {"count", "seconds", "maxRssMB"}.

  python3 bench/peer_boto3.py holds  --endpoint URL --bucket B --concurrency 32
  python3 bench/peer_boto3.py copies --endpoint URL --bucket TRAIL --prefix P --to EVIDENCE --concurrency 32
"""

import argparse
import json
import resource
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["holds", "copies"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--to")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    started = time.perf_counter()
    s3 = boto3.client(
        "s3",
        endpoint_url=args.endpoint,
        config=Config(
            max_pool_connections=args.concurrency + 8,
            s3={"addressing_style": "path"},
            retries={"mode": "standard"},
        ),
    )
    # At most 2 x concurrency queued calls: memory stays flat however large the bucket.
    slots = threading.BoundedSemaphore(args.concurrency * 2)
    errors = []

    def hold(v):
        s3.put_object_legal_hold(
            Bucket=args.bucket, Key=v["Key"], VersionId=v["VersionId"], LegalHold={"Status": "ON"}
        )

    def copy(obj):
        # The calls drp makes per file: a pinned copy with SHA-256 and a legal hold, then a read-back.
        key = "incidents/bench/" + obj["Key"]
        out = s3.copy_object(
            Bucket=args.to,
            Key=key,
            CopySource={"Bucket": args.bucket, "Key": obj["Key"]},
            CopySourceIfMatch=obj["ETag"],
            ChecksumAlgorithm="SHA256",
            ObjectLockLegalHoldStatus="ON",
        )
        head = s3.head_object(
            Bucket=args.to, Key=key, VersionId=out["VersionId"], ChecksumMode="ENABLED"
        )
        if head["ContentLength"] != obj["Size"] or head.get("ChecksumSHA256") != out[
            "CopyObjectResult"
        ].get("ChecksumSHA256"):
            raise RuntimeError(f"copy of {obj['Key']} does not match its source")
        if head.get("ObjectLockLegalHoldStatus") != "ON":
            raise RuntimeError(f"copy of {obj['Key']} is not held")

    def run(work, item):
        try:
            work(item)
        except Exception as err:  # noqa: BLE001 - reported after the run
            errors.append(err)
        finally:
            slots.release()

    count = 0
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        if args.mode == "holds":
            pages = s3.get_paginator("list_object_versions").paginate(Bucket=args.bucket)
            for page in pages:
                for v in page.get("Versions", []):
                    slots.acquire()
                    pool.submit(run, hold, v)
                    count += 1
        else:
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket, Prefix=args.prefix)
            for page in pages:
                for obj in page.get("Contents", []):
                    slots.acquire()
                    pool.submit(run, copy, obj)
                    count += 1
    if errors:
        raise SystemExit(f"{len(errors)} calls failed, first: {errors[0]!r}")
    seconds = time.perf_counter() - started
    max_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"count": count, "seconds": seconds, "maxRssMB": max_rss_mb}))


if __name__ == "__main__":
    main()
