#!/usr/bin/env bash
# Writes the Stockfleet till kiosk's managed Chromium policy with the real hub origin.
#
#   render-policy.sh HUB_ORIGIN [OUTPUT]
#   render-policy.sh https://hub.store-net.example                     → /etc/chromium/policies/managed/stockfleet.json
#   render-policy.sh https://hub.store-net.example -                   → stdout (to inspect it)
#   render-policy.sh https://hub.store-net.example /tmp/stockfleet.json
#
# HUB_ORIGIN is scheme://host[:port] with no path: the origin that serves the till app at /till/.
# The template is policies/stockfleet.json next to this script (override: STOCKFLEET_POLICY_TEMPLATE);
# every "https://hub.example.internal" in it is replaced.
#
# !!! NEVER install this policy on a development or CI machine. It disables dev tools, and with them
# !!! the remote debugging Playwright uses, and blocks every URL but the hub's: all browser tests fail.
# Writing to /etc/chromium/policies therefore needs a `kiosk` user on the machine (made when a till is
# provisioned), or --force.
set -euo pipefail

die() { printf 'render-policy: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

force=0
args=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h|--help) usage; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
[ "${#args[@]}" -ge 1 ] && [ "${#args[@]}" -le 2 ] || { usage >&2; exit 2; }

origin=${args[0]%/}
output=${args[1]:-/etc/chromium/policies/managed/stockfleet.json}
placeholder='https://hub.example.internal'
template=${STOCKFLEET_POLICY_TEMPLATE:-$(dirname "$(readlink -f "$0")")/policies/stockfleet.json}

# Strict on purpose: the value lands in JSON and in a sed expression.
[[ "$origin" =~ ^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$ ]] \
  || die "HUB_ORIGIN must look like https://hub.example.com or https://10.0.0.5:8443 (scheme, host, optional port; no path), got: ${args[0]}"
[ -f "$template" ] || die "template not found: $template"

insecure=''
if [[ "$origin" == http://* ]]; then
  case "$origin" in
    http://localhost|http://localhost:*|http://127.0.0.1|http://127.0.0.1:*) ;;
    *)
      # Web Serial, WebHID, WebUSB and service workers exist only in secure contexts. A plain-http
      # hub works only if Chromium is told to treat that origin as secure: fine for a lab, not for a store.
      printf 'render-policy: WARNING: %s is not https; marking it secure via OverrideSecurityRestrictionsOnInsecureOrigin (lab use only)\n' "$origin" >&2
      insecure=$origin
      ;;
  esac
fi

rendered=$(sed -e "s|${placeholder}|${origin}|g" "$template")
if [ -n "$insecure" ]; then
  rendered=$(printf '%s\n' "$rendered" | sed -e "s|\"OverrideSecurityRestrictionsOnInsecureOrigin\": \[\]|\"OverrideSecurityRestrictionsOnInsecureOrigin\": [\"${insecure}\"]|")
fi
if [ "$origin" != "$placeholder" ] && grep -qF "$placeholder" <<<"$rendered"; then
  die "placeholder left in the output (template changed?)"
fi

# Validate when a JSON parser is at hand (tills need not have one).
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$rendered" || die "rendered policy is not valid JSON"
elif command -v node >/dev/null 2>&1; then
  node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' <<<"$rendered" || die "rendered policy is not valid JSON"
fi

if [ "$output" = "-" ]; then
  printf '%s\n' "$rendered"
  exit 0
fi

case "$output" in
  /etc/chromium/*|/etc/opt/chrome/*)
    if [ "$force" -eq 0 ] && ! id kiosk >/dev/null 2>&1; then
      die "refusing to install into $output: there is no 'kiosk' user, so this does not look like a provisioned till. This policy breaks dev tools and Playwright; never install it on a machine that runs tests. Use --force if this really is a till."
    fi
    ;;
esac

dir=$(dirname "$output")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.stockfleet.json.XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$rendered" >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$output"
trap - EXIT
printf 'render-policy: wrote %s for %s\n' "$output" "$origin"
