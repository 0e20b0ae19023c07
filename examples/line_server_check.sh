#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs line_server on a free port and checks its protocol with line_client:
#   line_server_check.sh path/to/line_server path/to/line_client
set -euo pipefail
server=$1 client=$2
exec 3< <(exec "$server" --port 0)
pid=$!
read -r first <&3
[[ $first =~ ^listening\ on\ ([0-9]+)$ ]] || { echo "first line: '$first'"; exit 1; }
port=${BASH_REMATCH[1]}
failed=0
expect() {  # expect NAME INPUT WANT
  local got
  got=$(printf '%b' "$2" | "$client" --port "$port")
  if [[ $got != "$(printf '%b' "$3")" ]]; then
    echo "$1: got '$got', want '$3'"
    failed=1
  fi
}
expect "upper-case" 'hello\r\nWorld\n' 'HELLO\nWORLD'
expect "final line without newline" 'one\nlast' 'ONE\nLAST'
expect "QUIT" 'a\nQUIT\nb\n' 'A'
expect "line too long" "$(head -c 4097 /dev/zero | tr '\0' 'x')\\nnext\\n" 'ERROR line too long'
expect "4096 bytes is not too long" "$(head -c 4096 /dev/zero | tr '\0' 'y')\\n" "$(head -c 4096 /dev/zero | tr '\0' 'Y')"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
if [[ $status -ne 0 ]]; then
  echo "line_server exited with status $status after SIGTERM"
  failed=1
fi
exit $failed
