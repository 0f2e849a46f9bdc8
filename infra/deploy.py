#!/usr/bin/env python3
"""`make deploy`: build, deploy and publish the portal into the AWS account of the current
credentials, in one command.

1. `cargo lambda build --release` for the stack's architecture (fails fast on compile errors);
2. `sam build` + `sam deploy` (guided the first time, when samconfig.toml has no saved
   parameters yet; later runs reuse them);
3. the site built for the deployed origin (`make site SITE_BASE_URL=<PortalOrigin>`), uploaded
   to the site bucket (changed files only, stale files removed) and a CloudFront invalidation.

Before anything is built, operator.toml (the imprint's and privacy notice's details) must pass
`tools/operator/check.py --publish`: without it, with demo values, or with a missing field,
nothing is deployed. The site states the deployed stack's region and log retention.

Environment: STACK (default: samconfig.toml's stack_name), AWS_REGION / AWS_PROFILE as usual.
The architecture is the `Architecture` parameter saved in samconfig.toml (arm64 by default).
"""

import json
import mimetypes

# Types Python's table may lack; nosniff makes browsers trust the Content-Type alone.
mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")
import hashlib
import os
import pathlib
import subprocess
import sys
import time
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMCONFIG = ROOT / "samconfig.toml"
# The operator's identity; operator.demo.toml is only for `make run` and never published.
OPERATOR = ROOT / "operator.toml"
OPERATOR_CHECK = ROOT / "tools" / "operator" / "check.py"
OPERATOR_DATA = ROOT / "site" / "data" / "operator.json"


def step(text):
    print(f"▸ {text}", flush=True)


def run(*cmd, **kwargs):
    print("  $ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def saved_parameters(config):
    """parameter_overrides saved by `sam deploy --guided`: 'A=1 B="x y"' or a list."""
    raw = config.get("default", {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides")
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else __import__("shlex").split(raw)
    return dict(item.split("=", 1) for item in items)


def outputs(stack):
    described = subprocess.run(
        ["sam", "list", "stack-outputs", "--stack-name", stack, "--output", "json"],
        check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout
    return {o["OutputKey"]: o["OutputValue"] for o in json.loads(described)}


def publish_site(bucket, distribution):
    """Uploads site/public: changed files only (MD5 = ETag of single-part uploads), removes
    files that are gone, then invalidates CloudFront once."""
    import boto3  # installed with aws-sam-cli

    s3 = boto3.client("s3")
    public = ROOT / "site" / "public"
    remote = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            remote[obj["Key"]] = obj["ETag"].strip('"')
    local = {p.relative_to(public).as_posix(): p for p in public.rglob("*") if p.is_file()}
    changed = [k for k, p in local.items() if remote.get(k) != hashlib.md5(p.read_bytes()).hexdigest()]
    for i, key in enumerate(sorted(changed), 1):
        ctype = mimetypes.guess_type(key)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "image/svg+xml", "application/xml"):
            ctype += "; charset=utf-8"
        s3.upload_file(str(local[key]), bucket, key, ExtraArgs={"ContentType": ctype})
        print(f"\r  uploaded {i}/{len(changed)}", end="", flush=True)
    if changed:
        print()
    stale = [k for k in remote if k not in local]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})
    print(f"  {len(changed)} file(s) uploaded, {len(stale)} removed, {len(local) - len(changed)} unchanged")
    boto3.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())},
    )
    print("  CloudFront invalidation of /* created (takes a minute or two)")


def check_operator():
    """Refuses to go on without the operator's own, complete details: the site would publish an
    imprint and a privacy notice that are missing or made up."""
    checked = subprocess.run(
        [sys.executable, str(OPERATOR_CHECK.relative_to(ROOT)), "--publish", OPERATOR.name], cwd=ROOT
    )
    if checked.returncode != 0:
        sys.exit(
            "make deploy: refused: operator.toml must hold your own imprint and privacy details "
            "(see the lines above and docs/operations.md, “Your identity: operator.toml”)"
        )


def stack_facts(stack, out):
    """What the privacy notice states about this deployment: the stack's region (from its event
    bus ARN) and how long its logs are kept (its LogRetentionDays parameter)."""
    import boto3  # installed with aws-sam-cli

    region = out["EventBusArn"].split(":")[3]
    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in described["Stacks"][0].get("Parameters", [])}
    facts = {"SITE_AWS_REGION": region}
    if parameters.get("LogRetentionDays"):
        facts["SITE_LOG_RETENTION_DAYS"] = parameters["LogRetentionDays"]
    return facts


def built_for_publishing():
    """The built site carries operator.toml's details, not the demo's: the last check before
    anything is uploaded."""
    data = json.loads(OPERATOR_DATA.read_text(encoding="utf-8")) if OPERATOR_DATA.is_file() else {}
    if data.get("demo") is not False or data.get("source") != OPERATOR.name:
        sys.exit(f"make deploy: refused: {OPERATOR_DATA.relative_to(ROOT)} was not built from operator.toml; nothing uploaded")


def print_env(stack, params):
    """`make stack-env`: the variables portal-admin needs, from the stack's outputs."""
    import shlex

    out = outputs(stack)
    values = {
        "PORTAL_TABLE": out["PortalTableName"],
        "AUTH_TABLE": out["AuthTableName"],
        "DOCUMENTS_BUCKET": out["DocumentsBucketName"],
        "PORTAL_BASE_URL": out["PortalOrigin"],
    }
    if params and params.get("MailFrom"):
        values["MAIL_FROM"] = params["MailFrom"]
    for name, value in values.items():
        print(f"export {name}={shlex.quote(value)}")


def main():
    config = tomllib.loads(SAMCONFIG.read_text())
    stack = os.environ.get("STACK") or config["default"]["global"]["parameters"]["stack_name"]
    params = saved_parameters(config)
    if sys.argv[1:] == ["env"]:
        print_env(stack, params)
        return
    arch = (params or {}).get("Architecture", "arm64")
    flag = {"arm64": "--arm64", "x86_64": "--x86-64"}[arch]

    step("checking operator.toml (imprint and privacy notice)")
    check_operator()

    step(f"cargo lambda build --release {flag} (architecture {arch}; change it with the Architecture parameter)")
    run("cargo", "lambda", "build", "--release", flag)

    step("sam build (rust-cargolambda build method)")
    env = dict(os.environ, SAM_CLI_BETA_RUST_CARGO_LAMBDA="1")
    run("sam", "build", "--beta-features", "--parameter-overrides", f"Architecture={arch}", env=env)

    step(f"sam deploy of stack {stack}")
    if params is None:
        print("  first deploy: SAM asks for the parameters and saves them in samconfig.toml")
        run("sam", "deploy", "--guided", "--stack-name", stack, env=env)
        params = saved_parameters(tomllib.loads(SAMCONFIG.read_text())) or {}
    else:
        run("sam", "deploy", "--stack-name", stack, env=env)

    out = outputs(stack)
    origin = out["PortalOrigin"]
    if params.get("PortalBaseUrl") != origin:
        print(f"  ! PortalBaseUrl is {params.get('PortalBaseUrl')!r}, but the portal's origin is {origin}.")
        print("    Set PortalBaseUrl to it in samconfig.toml and run `make deploy` again (docs/operations.md, step 5).")

    facts = stack_facts(stack, out)
    step(f"building the site for {origin} with operator.toml (region {facts['SITE_AWS_REGION']})")
    site_env = dict(os.environ, SITE_BASE_URL=origin, OPERATOR="operator.toml", OPERATOR_CHECK="--publish", **facts)
    run("make", "--no-print-directory", "site", env=site_env)
    built_for_publishing()
    step(f"uploading the site to s3://{out['SiteBucketName']}")
    publish_site(out["SiteBucketName"], out["DistributionId"])
    print(f"✔ deployed: {origin}")


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as err:
        sys.exit(f"make deploy: {' '.join(err.cmd)} failed (exit {err.returncode})")
