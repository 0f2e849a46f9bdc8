#!/usr/bin/env bash
# Contract test: Schemathesis against docs/openapi.yaml and the local stack (dev gateway + moto),
# logged in as anna.schmidt@example.com (owner of company 10001).
#
#   tests/contract/run.sh              quick pass (CONTRACT_EXAMPLES=10 per operation)
#   CONTRACT_EXAMPLES=500 tests/contract/run.sh   long pass (make fuzz)
#
# Environment: CONTRACT_EXAMPLES (default 10), CONTRACT_SEED (default 20261), CONTRACT_PORT /
# CONTRACT_MOTO_PORT (default: free ports), CONTRACT_REPORT_DIR (default .local/contract), and
# CONTRACT_ARGS for extra schemathesis options. The gateway binary must be built (make build).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
EXAMPLES=${CONTRACT_EXAMPLES:-10}
SEED=${CONTRACT_SEED:-20261}
REPORT_DIR=${CONTRACT_REPORT_DIR:-$ROOT/.local/contract}
GATEWAY=${GATEWAY:-$ROOT/target/debug/dev-gateway}

[ -x "$VENV/bin/schemathesis" ] || { echo "schemathesis missing: $VENV/bin/pip install -r requirements-dev.txt" >&2; exit 1; }
[ -x "$GATEWAY" ] || { echo "$GATEWAY missing: build it first (make build)" >&2; exit 1; }

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=${CONTRACT_PORT:-$(free_port)}
MOTO_PORT=${CONTRACT_MOTO_PORT:-$(free_port)}
BASE=http://127.0.0.1:$PORT
mkdir -p "$REPORT_DIR"
LOG=$REPORT_DIR/gateway.log

PORT=$PORT MOTO_PORT=$MOTO_PORT "$GATEWAY" >"$LOG" 2>&1 &
GW_PID=$!
stop() {
  # Ctrl-C is how the gateway stops moto with it.
  kill -INT "$GW_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
  kill "$GW_PID" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 300); do
  curl -fsS -o /dev/null "$BASE/" 2>/dev/null && break
  kill -0 "$GW_PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.2
done

# Log in by magic link as anna: request, read the dev mailbox, redeem the token.
PORTAL_SESSION=$("$VENV/bin/python" - "$BASE" <<'PY'
import json, re, sys, time, urllib.request
base = sys.argv[1]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Origin": base, "Content-Type": "application/json"})
    return urllib.request.urlopen(req)
call("POST", "/api/auth/login-request", {"email": "anna.schmidt@example.com"})
token = None
for _ in range(50):
    mails = json.load(urllib.request.urlopen(base + "/_dev/mail.json"))
    for mail in mails:
        if "anna.schmidt@example.com" in mail["to"]:
            found = re.search(r"bestaetigen/#([A-Za-z0-9_-]{43})", mail["body"])
            token = found and found.group(1)
    if token:
        break
    time.sleep(0.1)
if not token:
    sys.exit("no login mail for anna")
response = call("POST", "/api/auth/session", {"token": token})
for header in response.headers.get_all("Set-Cookie"):
    if header.startswith("__Host-portal_session="):
        print(header.split(";")[0].split("=", 1)[1])
        break
else:
    sys.exit("no session cookie")
PY
)
export PORTAL_SESSION

echo "▸ schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') against $BASE, $EXAMPLES examples per operation, seed $SEED"
START=$(date +%s)
set +e
"$VENV/bin/schemathesis" --config-file tests/contract/schemathesis.toml run docs/openapi.yaml \
  --url "$BASE" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --max-redirects 0 \
  --exclude-operation-id auth-logout \
  --header "Origin: $BASE" \
  --report junit --report-dir "$REPORT_DIR" \
  --no-color \
  ${CONTRACT_ARGS:-}
STATUS=$?
# Logout last: it ends the session the run above needs.
"$VENV/bin/schemathesis" --config-file tests/contract/schemathesis.toml run docs/openapi.yaml \
  --url "$BASE" \
  --checks all \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --include-operation-id auth-logout \
  --header "Origin: $BASE" \
  --report junit --report-dir "$REPORT_DIR/logout" \
  --no-color \
  ${CONTRACT_ARGS:-} || STATUS=$((STATUS ? STATUS : $?))
set -e
echo "▸ contract test: exit $STATUS after $(( $(date +%s) - START )) s (gateway log: $LOG)"
exit $STATUS
